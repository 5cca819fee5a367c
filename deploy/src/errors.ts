/** A deployment check that could not run or found a defect; `code` is stable, the message says what to do. */
export class DeployCheckError extends Error {
  readonly code: 'MISSING_TOOL' | 'INVALID_VALUES' | 'RENDER_FAILED' | 'INVALID_MANIFEST' | 'COMPOSE_FAILED';
  constructor(code: DeployCheckError['code'], message: string) {
    super(message);
    this.name = 'DeployCheckError';
    this.code = code;
  }
}

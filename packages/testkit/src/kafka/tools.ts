import { spawnSync } from 'node:child_process';

export class MissingToolError extends Error {
  readonly code = 'MISSING_TOOL';
  readonly tool: string;
  constructor(tool: string, hint: string) {
    super(`${tool} was not found on PATH. ${hint}`);
    this.tool = tool;
  }
}

function found(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/** Throws a MissingToolError that says what to install when Java 17+ or Maven is absent. */
export function assertJavaAndMaven(): void {
  if (!found('java', ['-version'])) {
    throw new MissingToolError(
      'java',
      'Kafka brokers need Java 17 or newer: install a JDK (Debian: apt-get install openjdk-17-jre-headless) or put it on PATH.',
    );
  }
  const v = spawnSync('java', ['-XshowSettings:properties', '-version'], { encoding: 'utf8' });
  const m = /java\.specification\.version = (\d+)/.exec(`${v.stderr}${v.stdout}`);
  if (m && Number(m[1]) < 17) {
    throw new MissingToolError('java 17+', `Found Java ${m[1]}; Kafka 4 needs Java 17 or newer.`);
  }
  if (!found('mvn', ['-v'])) {
    throw new MissingToolError(
      'mvn',
      'Maven fetches the Kafka jars from Maven Central: install it (Debian: apt-get install maven) or put it on PATH.',
    );
  }
}

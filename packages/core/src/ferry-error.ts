/** Where an error happened: as much as is known. */
export interface ErrorContext {
  cluster?: string;
  topic?: string;
  partition?: number;
  offset?: string;
  key?: string;
  value?: string;
  task?: number;
  flow?: string;
}

/** Codes that say only *what* failed (the step); the error's cause says why (errorCode reads it). */
export const STEP_ERROR_CODES = [
  'TASK_START_FAILED',
  'FETCH_FAILED',
  'COMMIT_FAILED',
  'FENCE_FAILED',
  'DISCOVERY_FAILED',
  'CREATE_TOPIC_FAILED',
  'CREATE_PARTITIONS_FAILED',
  'DESCRIBE_CONFIGS_FAILED',
  'SYNC_FAILED',
  'POSITIONS_LOAD_FAILED',
  'OFFSETS_FETCH_FAILED',
  'OFFSET_SYNCS_LOAD_FAILED',
  'OFFSET_SYNCS_READ_FAILED',
  'MM2_OFFSET_SYNC_FAILED',
  'CHECKPOINT_FAILED',
  'CHECKPOINT_WRITE_FAILED',
  'GROUPS_LIST_FAILED',
  'GROUP_OFFSETS_FETCH_FAILED',
  'GROUP_OFFSET_SYNC_FAILED',
  'TRANSLATE_FAILED',
  'HEARTBEAT_FAILED',
  'SOURCE_READ_FAILED',
  'TARGET_READ_FAILED',
] as const;

const OTHER_ERROR_CODES = [
  // the configuration
  'INVALID_CONFIG',
  'INVALID_VERIFY_OPTIONS',
  'SECRETS_UNREADABLE',
  'OAUTH_TOKEN_FAILED',
  // why a client call failed (classified from kafkajs, the wire layer and Node's socket errors)
  'AUTHENTICATION_FAILED',
  'NOT_AUTHORIZED',
  'UNSUPPORTED_SASL_MECHANISM',
  'TLS_UNTRUSTED',
  'TLS_MISMATCH',
  'BROKER_REFUSED',
  'BROKER_TIMEOUT',
  'BROKER_UNREACHABLE',
  'CONNECTION_CLOSED',
  'PROTOCOL_MISMATCH',
  'NETWORK_POLICY_REFUSED',
  'INVALID_REPLICATION_FACTOR',
  'SOURCE_UNAVAILABLE',
  'TARGET_UNAVAILABLE',
  // the data path
  'TASK_FENCED',
  'TASK_SUPERSEDED',
  'COMMIT_TIMEOUT',
  'TRANSACTION_OUTCOME_UNKNOWN',
  'RECORD_TOO_LARGE',
  'DATA_GAP',
  'TARGET_TOPIC_RECREATED',
  // records and batches
  'CORRUPT_BATCH',
  'CONTROL_BATCH',
  'EMPTY_BATCH',
  'MALFORMED_RECORD',
  'UNSUPPORTED_RECORD_VERSION',
  'STRING_TOO_LONG',
  'DUPLICATE_RANGE',
  // offsets, checkpoints and groups
  'OFFSETS_NOT_ASCENDING',
  'OFFSET_SYNCS_BEHIND',
  'OFFSET_SYNC_MISMATCH',
  'NO_BASE_OFFSET',
  'GROUP_ACTIVE',
  'NOTHING_TO_SYNC',
  'REBUILD_REQUIRED',
  // verification
  'READ_TIMEOUT',
  'VERIFY_READ_STALLED',
] as const;

/**
 * Every code a FerryError can carry. Two kinds share the one union:
 * - what failed (the step: FETCH_FAILED, CHECKPOINT_FAILED, ...), set where the error is raised;
 * - why it failed (the cause, read from the client's error by `errorCode`: AUTHENTICATION_FAILED,
 *   BROKER_REFUSED, ...), which is what a sentence for a person branches on (see error-words.ts).
 */
export const FERRY_ERROR_CODES = [...OTHER_ERROR_CODES, ...STEP_ERROR_CODES] as const;

export type FerryErrorCode = (typeof FERRY_ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set(FERRY_ERROR_CODES);

export function isFerryErrorCode(s: unknown): s is FerryErrorCode {
  return typeof s === 'string' && CODES.has(s);
}

/**
 * Every error the engine raises or reports: a stable `code` to branch on, a `retriable` flag (retry decisions
 * branch on it, never on message text) and the context it happened in.
 */
export class FerryError extends Error {
  readonly code: FerryErrorCode;
  readonly retriable: boolean;
  readonly context: ErrorContext;
  constructor(
    code: FerryErrorCode,
    message: string,
    opts: { retriable?: boolean; context?: ErrorContext; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FerryError';
    this.code = code;
    this.retriable = opts.retriable ?? false;
    this.context = opts.context ?? {};
  }
}

/** A configuration key with an invalid value: names the key, the value and why. */
export class ConfigError extends FerryError {
  constructor(key: string, value: string | undefined, reason: string) {
    super('INVALID_CONFIG', `${key}=${value ?? '(unset)'}: ${reason}`, { context: { key, value } });
    this.name = 'ConfigError';
  }
}

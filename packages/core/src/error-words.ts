import { type FerryErrorCode, isFerryErrorCode, STEP_ERROR_CODES } from './ferry-error.ts';

/**
 * Errors into sentences: the one place. `errorCode` reads *why* an error happened from the structured fields
 * the clients set (kafkajs' `type` and `name`, the wire layer's Kafka error name, Node's socket/TLS `code`,
 * FerryError's `code`), walking the `cause` chain; `errorSentence` branches on that code, never on message
 * text. The message is only quoted, as the detail.
 */

/** Kafka protocol error names (kafkajs `type`, the wire layer's `name`) that say why. */
const KAFKA_NAMES: Record<string, FerryErrorCode> = {
  SASL_AUTHENTICATION_FAILED: 'AUTHENTICATION_FAILED',
  ILLEGAL_SASL_STATE: 'AUTHENTICATION_FAILED',
  UNSUPPORTED_SASL_MECHANISM: 'UNSUPPORTED_SASL_MECHANISM',
  TOPIC_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  GROUP_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  CLUSTER_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  INVALID_REPLICATION_FACTOR: 'INVALID_REPLICATION_FACTOR',
  PRODUCER_FENCED: 'TASK_FENCED',
  INVALID_PRODUCER_EPOCH: 'TASK_FENCED',
  REQUEST_TIMED_OUT: 'BROKER_TIMEOUT',
  TLS_HANDSHAKE_FAILED: 'TLS_UNTRUSTED',
  // the wire layer's name for an answer that is not Kafka's framing (engine wire/frame-reader.ts)
  NOT_KAFKA_PROTOCOL: 'PROTOCOL_MISMATCH',
};

/** kafkajs error class names that say why. KafkaJSConnectionError is read by its socket `code` first. */
const KAFKAJS_NAMES: Record<string, FerryErrorCode> = {
  KafkaJSSASLAuthenticationError: 'AUTHENTICATION_FAILED',
  KafkaJSRequestTimeoutError: 'BROKER_TIMEOUT',
  KafkaJSConnectionClosedError: 'CONNECTION_CLOSED',
  KafkaJSConnectionError: 'BROKER_UNREACHABLE',
};

/** Node's socket and TLS error codes. */
function socketCode(code: string): FerryErrorCode | undefined {
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'BROKER_REFUSED';
    case 'ETIMEDOUT':
      return 'BROKER_TIMEOUT';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'CONNECTION_CLOSED';
    case 'EPOLICY':
      return 'NETWORK_POLICY_REFUSED';
    case 'EPROTO':
      return 'TLS_MISMATCH';
  }
  if (code.startsWith('ERR_SSL_')) return 'TLS_MISMATCH';
  if (
    code.includes('SELF_SIGNED') ||
    code.startsWith('UNABLE_TO_') ||
    code.startsWith('CERT_') ||
    code === 'ERR_TLS_CERT_ALTNAME_INVALID'
  )
    return 'TLS_UNTRUSTED';
  return undefined;
}

/** Codes that say only *what* failed: a cause further down the chain says more. */
const STEP_CODES: ReadonlySet<FerryErrorCode> = new Set<FerryErrorCode>(STEP_ERROR_CODES);

type ErrorLike = {
  code?: unknown;
  type?: unknown;
  name?: unknown;
  cause?: unknown;
  originalError?: unknown;
  message?: unknown;
};

/** Why one error object (not its causes) failed, from its own fields. */
function ownCode(x: ErrorLike): FerryErrorCode | undefined {
  if (typeof x.type === 'string' && KAFKA_NAMES[x.type]) return KAFKA_NAMES[x.type];
  if (typeof x.name === 'string' && KAFKA_NAMES[x.name]) return KAFKA_NAMES[x.name];
  if (typeof x.code === 'string') {
    const s = KAFKA_NAMES[x.code] ?? socketCode(x.code);
    if (s) return s;
  }
  if (typeof x.name === 'string' && KAFKAJS_NAMES[x.name]) return KAFKAJS_NAMES[x.name];
  if (isFerryErrorCode(x.code)) return x.code;
  return undefined;
}

/**
 * The code that says most about why `e` happened: the first cause-type code along the `cause` chain
 * (kafkajs' `originalError` too), else the outermost Ferry code, else undefined.
 */
export function errorCode(e: unknown): FerryErrorCode | undefined {
  let step: FerryErrorCode | undefined;
  let x = e as ErrorLike | undefined;
  for (let depth = 0; x && typeof x === 'object' && depth < 8; depth++) {
    const c = ownCode(x);
    if (c && !STEP_CODES.has(c) && !(c === 'BROKER_UNREACHABLE' && hasDeeperCause(x))) return c;
    step ??= c;
    x = (x.cause ?? x.originalError) as ErrorLike | undefined;
  }
  return step;
}

function hasDeeperCause(x: ErrorLike): boolean {
  const next = (x.cause ?? x.originalError) as ErrorLike | undefined;
  return !!next && typeof next === 'object' && errorCode(next) !== undefined;
}

/** An error's message on one line, without a trailing full stop. */
export function errorDetail(e: unknown): string {
  const m = (e as ErrorLike | undefined)?.message;
  const s = typeof m === 'string' && m ? m : String(e);
  return s.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

/** What a sentence may name: the clusters involved (a flow's source and target, or the one tested). */
export interface ErrorWhere {
  source?: string;
  target?: string;
}

function clusters(w: ErrorWhere): string {
  const names = [w.source, w.target].filter((n): n is string => !!n);
  if (names.length === 0) return 'the clusters are';
  if (names.length === 1) return `the cluster ${names[0]} is`;
  return `the clusters ${names.join(' and ')} are`;
}

function named(name: string | undefined): string {
  return name ? ` ${name}` : '';
}

/** PROTOCOL_MISMATCH's advice, said of a cluster or of the broker that answered. */
const PROTOCOL_ADVICE =
  'does not match the listener (e.g. PLAINTEXT on a TLS listener), or this address is not a Kafka listener.';

/**
 * An error as a sentence a person can act on: what happened (from `errorCode`), the client's words as the
 * detail, and what to check. Anything without a known code keeps its message.
 */
export function errorSentence(e: unknown, where: ErrorWhere = {}): string {
  const d = errorDetail(e);
  switch (errorCode(e)) {
    case 'AUTHENTICATION_FAILED':
      return `Authentication failed: the broker rejected the username or password (${d}). Check the cluster's SASL mechanism and credentials.`;
    case 'OAUTH_TOKEN_FAILED':
      return `No OAuth token: ${d}. Check the token endpoint URL, the client id, secret and scope.`;
    case 'NOT_AUTHORIZED':
      return `Not authorised: Ferry's user can connect but lacks permission (ACLs) for this operation (${d}). Grant it READ on the source topics and WRITE/CREATE on the target.`;
    case 'UNSUPPORTED_SASL_MECHANISM':
      return `The broker does not support this SASL mechanism (${d}).`;
    case 'TLS_UNTRUSTED':
      return `TLS handshake failed: the broker certificate is not trusted (${d}). Paste the CA certificate that signed it.`;
    case 'TLS_MISMATCH':
      return `TLS handshake failed (${d}): check that this listener uses TLS (security protocol SSL or SASL_SSL).`;
    case 'BROKER_REFUSED':
      return `Cannot reach the brokers: connection refused or host unknown (${d}). Check that ${clusters(where)} up and the bootstrap servers are right.`;
    case 'BROKER_TIMEOUT':
      return `The brokers did not answer in time (${d}): a wrong port, a firewall, or TLS/SASL settings that do not match the listener.`;
    case 'CONNECTION_CLOSED':
      return `The broker closed the connection (${d}): often a security protocol mismatch, e.g. a PLAINTEXT client on a SASL or TLS listener.`;
    case 'PROTOCOL_MISMATCH':
      return `The broker's answer is not Kafka's protocol (${d}): the security protocol ${PROTOCOL_ADVICE}`;
    case 'BROKER_UNREACHABLE':
      return `Cannot reach the brokers: ${d}. Check that ${clusters(where)} up, and the bootstrap servers, security protocol and port match a listener.`;
    case 'NETWORK_POLICY_REFUSED':
      return `${d}. The instance's network policy does not allow this address.`;
    case 'INVALID_REPLICATION_FACTOR':
      return `The target cluster${named(where.target)} rejected topic creation: ${d}. Lower the flow's replication factor to at most the number of brokers.`;
    case 'TASK_FENCED':
      return 'This task was replaced by a newer one (fenced); it stops and the newer task continues.';
    case 'SOURCE_UNAVAILABLE':
    case 'TARGET_UNAVAILABLE': {
      const side = errorCode(e) === 'SOURCE_UNAVAILABLE' ? 'source' : 'target';
      const name = named(side === 'source' ? where.source : where.target);
      // reached, but refused: "is it up?" is the wrong advice for a credential the broker rejected
      const why = errorCode((e as ErrorLike).cause);
      if (why === 'AUTHENTICATION_FAILED')
        return `The ${side} cluster${name} rejected Ferry's credentials (${d}). Check the cluster's SASL mechanism, username and password.`;
      if (why === 'PROTOCOL_MISMATCH')
        return `The ${side} cluster${name} does not answer in Kafka's protocol (${d}): its security protocol ${PROTOCOL_ADVICE}`;
      return `Cannot reach the ${side} cluster${name}: ${d}. Check that it is up and its bootstrap servers are right.`;
    }
    case 'VERIFY_READ_STALLED':
      return `${d}. A cluster stopped answering during the comparison; run the verification again.`;
    default:
      return `${d}.`;
  }
}

/**
 * A per-topic sync failure (topic configs, ACLs) in words: `action` is what was tried on `cluster`, `grant`
 * the permission that would allow it.
 */
export function syncErrorWords(
  e: unknown,
  action: string,
  cluster: string,
  grant: string,
): { code: FerryErrorCode; message: string } {
  const x = e as ErrorLike | undefined;
  const type = typeof x?.type === 'string' ? x.type : '';
  if (errorCode(e) === 'NOT_AUTHORIZED')
    return {
      code: 'NOT_AUTHORIZED',
      message: `Ferry's user on ${cluster} is not allowed to ${action} (${type || errorDetail(e)}): grant it ${grant}`,
    };
  return {
    code: 'SYNC_FAILED',
    message: `could not ${action} on ${cluster}: ${errorDetail(e)}${type ? ` (${type})` : ''}`,
  };
}

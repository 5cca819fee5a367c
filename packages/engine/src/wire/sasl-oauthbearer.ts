import type { WireOAuthBearer } from './config.ts';
import { ErrorCode, KafkaError } from './errors.ts';

/**
 * SASL OAUTHBEARER (RFC 7628) over SaslAuthenticate: the client's first message is the GS2 header and the
 * bearer token, `n,,\x01auth=Bearer <token>\x01\x01`. A broker that rejects the token answers with an error
 * document instead of an empty message; the client then sends a lone `\x01` and the broker ends the exchange
 * with SASL_AUTHENTICATION_FAILED (Kafka's OAuthBearerSaslServer).
 */
export function oauthBearerInitialResponse(token: string): Buffer {
  return Buffer.from(`n,,\u0001auth=Bearer ${token}\u0001\u0001`, 'utf8');
}

/** The exchange, with `round` sending one SaslAuthenticate and returning the broker's bytes. */
export async function authenticateOAuthBearer(
  sasl: WireOAuthBearer,
  round: (bytes: Buffer) => Promise<Buffer>,
  broker: string,
): Promise<void> {
  let token: string;
  try {
    token = await sasl.token();
  } catch (e) {
    throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, `no OAuth token: ${(e as Error).message}`, {
      context: { broker },
      retriable: false,
      cause: e,
    });
  }
  const challenge = await round(oauthBearerInitialResponse(token));
  if (challenge.length === 0) return;
  // An error document: acknowledge it so the broker answers with its verdict (an error, thrown by round).
  await round(Buffer.from([1]));
  throw new KafkaError(
    ErrorCode.SASL_AUTHENTICATION_FAILED,
    `OAUTHBEARER as ${JSON.stringify(sasl.username)}: ${challenge.toString('utf8')}`,
    { context: { broker }, retriable: false },
  );
}

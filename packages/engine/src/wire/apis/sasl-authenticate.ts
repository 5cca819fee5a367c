import { defineApi } from '../api.ts';
import { f } from '../protocol/schema.ts';

/*
 * SaslAuthenticate (key 36), versions 0-2, flexible 2+.
 *
 * SaslAuthenticateRequest => auth_bytes
 * SaslAuthenticateResponse => error_code error_message(nullable) auth_bytes session_lifetime_ms(1+)
 */
export interface SaslAuthenticateRequest {
  authBytes: Buffer;
}
export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  sessionLifetimeMs: bigint;
}

export const saslAuthenticateApi = defineApi<SaslAuthenticateRequest, SaslAuthenticateResponse>({
  key: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: [f('authBytes', 'bytes', '0+')],
  response: [
    f('errorCode', 'int16', '0+'),
    f('errorMessage', 'string', '0+', { nullable: '0+', def: null }),
    f('authBytes', 'bytes', '0+'),
    f('sessionLifetimeMs', 'int64', '1+'),
  ],
});

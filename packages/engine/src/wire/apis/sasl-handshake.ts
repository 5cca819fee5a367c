import { defineApi, NEVER } from '../api.ts';
import { arr, f } from '../protocol/schema.ts';

/*
 * SaslHandshake (key 17), version 1 (v0 sent raw SASL tokens after it; v1 wraps them in SaslAuthenticate),
 * never flexible.
 *
 * SaslHandshakeRequest => mechanism
 * SaslHandshakeResponse => error_code [mechanisms:string]
 */
export interface SaslHandshakeRequest {
  mechanism: string;
}
export interface SaslHandshakeResponse {
  errorCode: number;
  mechanisms: string[];
}

export const saslHandshakeApi = defineApi<SaslHandshakeRequest, SaslHandshakeResponse>({
  key: 17,
  name: 'SaslHandshake',
  minVersion: 1,
  maxVersion: 1,
  flexibleFrom: NEVER,
  request: [f('mechanism', 'string', '0+')],
  response: [f('errorCode', 'int16', '0+'), arr('mechanisms', 'string', '0+')],
});

import { randomBytes } from 'node:crypto';
import { clusterSecretContext, parseSecretKey, seal } from '@ferry/core/secret-box';
import { describe, expect, it } from 'vitest';
import {
  draftClusterConfig,
  openClusterSecrets,
  type StoredCluster,
  storedClusterConfig,
} from '../../src/connection-test/stored-cluster.ts';

const key = parseSecretKey('k1', randomBytes(32).toString('base64'));
const row = (r: Partial<StoredCluster>): StoredCluster => ({
  name: 'c',
  bootstrapServers: 'b1:9092, b2:9092,',
  securityProtocol: 'PLAINTEXT',
  settings: {},
  secrets: null,
  ...r,
});

describe('storedClusterConfig', () => {
  it.each([
    ['plaintext', row({}), {}, { bootstrapServers: ['b1:9092', 'b2:9092'], securityProtocol: 'PLAINTEXT' }],
    [
      'SASL settings left over from another protocol are not used',
      row({ settings: { sasl: { mechanism: 'PLAIN', username: 'u' } } }),
      { saslPassword: 'p' },
      { securityProtocol: 'PLAINTEXT' },
    ],
    [
      'SASL/SCRAM',
      row({
        securityProtocol: 'SASL_PLAINTEXT',
        settings: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry' }, stored: { saslPassword: true } },
      }),
      { saslPassword: 'pw' },
      {
        securityProtocol: 'SASL_PLAINTEXT',
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry', password: 'pw' },
      },
    ],
    [
      'TLS with a CA and a client key, hostname verified',
      row({ securityProtocol: 'SSL', settings: { tls: { caPem: 'CA', certPem: 'CERT' } } }),
      { tlsKeyPem: 'KEY' },
      { securityProtocol: 'SSL', ssl: { ca: 'CA', cert: 'CERT', key: 'KEY', verifyHostname: true } },
    ],
    [
      'TLS with nothing pasted: the system trust store',
      row({ securityProtocol: 'SASL_SSL', settings: { sasl: { mechanism: 'PLAIN', username: 'u' } } }),
      {},
      { ssl: { verifyHostname: true }, sasl: { mechanism: 'PLAIN', username: 'u', password: '' } },
    ],
  ])('%s', (_label, r, secrets, want) => {
    const got = storedClusterConfig(r, secrets);
    expect(got).toMatchObject({ alias: 'c', ...want });
    if (!('sasl' in want)) expect(got.sasl).toBeUndefined();
    if (!('ssl' in want)) expect(got.ssl).toBeUndefined();
  });

  it('OAUTHBEARER: the client credentials, the secret from the sealed secrets', () => {
    const r = row({
      securityProtocol: 'SASL_SSL',
      settings: {
        sasl: {
          mechanism: 'OAUTHBEARER',
          tokenEndpointUrl: 'https://idp/token',
          clientId: 'ferry',
          scope: 'kafka',
        },
      },
    });
    expect(storedClusterConfig(r, { oauthClientSecret: 'cs' }).sasl).toEqual({
      mechanism: 'OAUTHBEARER',
      oauth: { tokenEndpointUrl: 'https://idp/token', clientId: 'ferry', clientSecret: 'cs', scope: 'kafka' },
    });
    expect(
      draftClusterConfig({
        name: 'd',
        bootstrapServers: 'h:1',
        securityProtocol: 'SASL_PLAINTEXT',
        sasl: {
          mechanism: 'OAUTHBEARER',
          tokenEndpointUrl: 'https://idp/token',
          clientId: 'ferry',
          clientSecret: 'cs',
        },
      }).sasl,
    ).toEqual({
      mechanism: 'OAUTHBEARER',
      oauth: { tokenEndpointUrl: 'https://idp/token', clientId: 'ferry', clientSecret: 'cs' },
    });
  });

  it('builds the same config from a draft (form input)', () => {
    expect(
      draftClusterConfig({
        name: 'd',
        bootstrapServers: 'h:1',
        securityProtocol: 'SASL_SSL',
        sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: 'pw' },
        tls: { caPem: '', keyPem: '' },
      }),
    ).toEqual({
      alias: 'd',
      bootstrapServers: ['h:1'],
      securityProtocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: 'pw' },
      ssl: { verifyHostname: true },
    });
  });
});

describe('openClusterSecrets', () => {
  const sealed = row({ name: 'auth', secrets: seal({ saslPassword: 'pw' }, key) });
  it('opens sealed secrets with the keyring; none stored is empty', () => {
    expect(openClusterSecrets(sealed, [key])).toEqual({ saslPassword: 'pw' });
    expect(openClusterSecrets(row({}), [])).toEqual({});
  });
  it('says what is missing when no key opens them', () => {
    expect(() => openClusterSecrets(sealed, [])).toThrow(
      expect.objectContaining({
        code: 'SECRETS_UNREADABLE',
        message: expect.stringMatching(/no FERRY_SECRET_KEY/),
      }),
    );
    const other = parseSecretKey('k2', randomBytes(32).toString('base64'));
    expect(() => openClusterSecrets(sealed, [other])).toThrow(/no secret key with id "k1"/);
  });
});

describe('openClusterSecrets of an OAUTHBEARER row', () => {
  it('opens only while the token endpoint is the one the secret was sealed to', () => {
    const id = '6d1f5f7e-0000-4000-8000-000000000001';
    const settings = {
      sasl: { mechanism: 'OAUTHBEARER', tokenEndpointUrl: 'https://idp/token', clientId: 'ferry' },
    };
    const base = { id, bootstrapServers: 'h:1', securityProtocol: 'SASL_SSL' as const };
    const secrets = seal(
      { oauthClientSecret: 'cs' },
      key,
      clusterSecretContext({ ...base, tokenEndpointUrl: 'https://idp/token' }),
    );
    const r = row({ ...base, settings, secrets });
    expect(openClusterSecrets(r, [key])).toEqual({ oauthClientSecret: 'cs' });
    const moved = { ...r, settings: { sasl: { ...settings.sasl, tokenEndpointUrl: 'https://evil/token' } } };
    expect(() => openClusterSecrets(moved, [key])).toThrow(
      expect.objectContaining({ code: 'SECRETS_UNREADABLE' }),
    );
  });
});

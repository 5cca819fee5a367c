import { createPrivateKey, X509Certificate } from 'node:crypto';
import { parseProperties } from '@ferry/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseMm2Config } from '../../src/index.ts';
import { makeStores } from '../helpers/key-stores.ts';

/** MM2's default JKS and PKCS12 stores, made by the JDK's keytool, read as `ferry run` reads them. */
let dir = '';
beforeAll(() => {
  dir = makeStores();
}, 60_000);

const file = (lines: string[]) =>
  parseMm2Config(
    parseProperties(
      [
        'clusters = a, b',
        'a.bootstrap.servers = 127.0.0.1:1',
        'b.bootstrap.servers = 127.0.0.1:2',
        'a->b.enabled = true',
        'a.security.protocol = SSL',
        ...lines.map((l) => l.replaceAll('$DIR', dir)),
      ].join('\n'),
    ),
  ).flows[0]!.source.ssl!;

describe('trust stores', () => {
  it.each([
    [
      'JKS (the default type)',
      ['a.ssl.truststore.location = $DIR/trust.jks', 'a.ssl.truststore.password = trust-pass'],
    ],
    [
      'JKS without a password (Java reads trusted certificates unchecked)',
      ['a.ssl.truststore.location = $DIR/trust.jks'],
    ],
    [
      'PKCS12',
      [
        'a.ssl.truststore.type = PKCS12',
        'a.ssl.truststore.location = $DIR/trust.pkcs12',
        'a.ssl.truststore.password = trust-pass',
      ],
    ],
  ])('%s', (_name, lines) => {
    const ssl = file(lines);
    expect(new X509Certificate(ssl.ca!).subject).toBe('CN=ferry-p12');
  });
});

describe('key stores', () => {
  it.each([
    [
      'JKS with a key password of its own',
      [
        'a.ssl.keystore.location = $DIR/client.jks',
        'a.ssl.keystore.password = store-pass-1',
        'a.ssl.key.password = key-pass-1',
      ],
      'CN=ferry-jks',
    ],
    [
      'PKCS12',
      [
        'a.ssl.keystore.type = PKCS12',
        'a.ssl.keystore.location = $DIR/client.p12',
        'a.ssl.keystore.password = store-pass-2',
      ],
      'CN=ferry-p12',
    ],
  ])('%s: the certificate and its private key', (_name, lines, subject) => {
    const ssl = file(lines);
    const cert = new X509Certificate(ssl.cert!);
    expect(cert.subject).toBe(subject);
    expect(cert.checkPrivateKey(createPrivateKey(ssl.key!))).toBe(true);
  });
});

describe('refused with the key named, passwords never echoed', () => {
  it.each([
    [
      ['a.ssl.truststore.location = $DIR/trust.jks', 'a.ssl.truststore.password = wrong-pass'],
      /^a\.ssl\.truststore\.location=.*trust\.jks: cannot open as a JKS \(the default ssl\.truststore\.type\) truststore/,
    ],
    [
      ['a.ssl.keystore.location = $DIR/client.jks'],
      /^a\.ssl\.keystore\.password=\(unset\): required to open the JKS/,
    ],
    [
      ['a.ssl.keystore.location = $DIR/client.jks', 'a.ssl.keystore.password = store-pass-1'],
      /cannot open as a JKS .*keystore/,
    ],
    [
      [
        'a.ssl.keystore.type = PKCS12',
        'a.ssl.keystore.location = $DIR/client.p12',
        'a.ssl.keystore.password = nope-nope',
      ],
      /cannot open as a PKCS12 keystore/,
    ],
    [
      ['a.ssl.truststore.type = BCFKS', 'a.ssl.truststore.location = $DIR/trust.jks'],
      /^a\.ssl\.truststore\.type=BCFKS: must be one of JKS, PKCS12, PEM/,
    ],
  ])('%j', (lines, message) => {
    expect(() => file(lines)).toThrow(ConfigError);
    expect(() => file(lines)).toThrow(message);
    try {
      file(lines);
    } catch (e) {
      expect((e as Error).message).not.toMatch(/pass-1|pass-2|wrong-pass|nope-nope/);
    }
  });
});

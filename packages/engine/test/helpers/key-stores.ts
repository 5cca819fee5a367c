import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * MM2's store files made by the JDK's keytool in a fresh folder: `client.jks` (store-pass-1, key password
 * key-pass-1, CN=ferry-jks), `client.p12` (store-pass-2, CN=ferry-p12), and trust stores `trust.jks` /
 * `trust.pkcs12` (trust-pass) holding client.p12's certificate.
 */
export function makeStores(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-stores-'));
  const keytool = (...args: string[]) => execFileSync('keytool', args, { cwd: dir, stdio: 'pipe' });
  for (const [file, type, storepass, keypass, cn] of [
    ['client.jks', 'JKS', 'store-pass-1', 'key-pass-1', 'ferry-jks'],
    ['client.p12', 'PKCS12', 'store-pass-2', 'store-pass-2', 'ferry-p12'],
  ] as const)
    keytool(
      '-genkeypair',
      ...['-alias', 'client', '-keyalg', 'RSA', '-keysize', '2048', '-validity', '30'],
      ...['-dname', `CN=${cn}`, '-keystore', file, '-storetype', type],
      ...['-storepass', storepass, '-keypass', keypass],
    );
  keytool(
    ...['-exportcert', '-rfc', '-alias', 'client', '-keystore', 'client.p12'],
    ...['-storepass', 'store-pass-2', '-file', 'ca.pem'],
  );
  for (const type of ['JKS', 'PKCS12'])
    keytool(
      ...['-importcert', '-noprompt', '-alias', 'ca', '-file', 'ca.pem'],
      ...['-keystore', `trust.${type.toLowerCase()}`, '-storetype', type, '-storepass', 'trust-pass'],
    );
  return dir;
}

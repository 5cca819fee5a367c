import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlsPaths } from './cluster-spec.ts';

export class TlsGenerationError extends Error {
  readonly code = 'TLS_GENERATION_FAILED';
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error)
    throw new TlsGenerationError(
      `openssl is needed to generate the stack's TLS certificates: ${r.error.message}`,
    );
  if (r.status !== 0) throw new TlsGenerationError(`openssl ${args[0]} failed: ${r.stderr}`);
}

/**
 * A self-signed CA and a server certificate for 127.0.0.1/localhost, generated once into `dir`.
 * The broker reads them as PEM (key + chain in one file); clients trust `ca.pem`.
 */
export function ensureTlsMaterial(dir: string): TlsPaths & { caCert: string } {
  mkdirSync(dir, { recursive: true });
  const caPem = join(dir, 'ca.pem');
  const keystorePem = join(dir, 'server-keystore.pem');
  if (!existsSync(caPem) || !existsSync(keystorePem)) {
    openssl(
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '3650',
        '-subj',
        '/CN=Ferry local stack CA',
      ],
      dir,
    );
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'server.key'], dir);
    openssl(['req', '-new', '-key', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.pem',
        '-days',
        '3650',
        '-extfile',
        'san.ext',
      ],
      dir,
    );
    writeFileSync(
      keystorePem,
      readFileSync(join(dir, 'server.key'), 'utf8') + readFileSync(join(dir, 'server.pem'), 'utf8'),
    );
  }
  return { caPem, keystorePem, caCert: readFileSync(caPem, 'utf8') };
}

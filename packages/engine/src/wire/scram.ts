import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SCRAM client (RFC 5802) for SCRAM-SHA-256 / SCRAM-SHA-512, as Kafka speaks it (no channel binding, gs2 "n,,").
 *   client-first  n,,n=<user>,r=<cnonce>
 *   server-first  r=<cnonce+snonce>,s=<salt b64>,i=<iterations>
 *   client-final  c=biws,r=<nonce>,p=<proof b64>
 *   server-final  v=<server signature b64>  |  e=<error>
 */
export type ScramHash = 'sha256' | 'sha512';

export class ScramClient {
  private readonly hash: ScramHash;
  private readonly user: string;
  private readonly password: string;
  private readonly cnonce: string;
  private clientFirstBare = '';
  private serverSignature: Buffer | undefined;

  constructor(
    hash: ScramHash,
    user: string,
    password: string,
    nonce = randomBytes(24).toString('base64url'),
  ) {
    this.hash = hash;
    this.user = user;
    this.password = password;
    this.cnonce = nonce;
  }

  first(): Buffer {
    this.clientFirstBare = `n=${saslName(this.user)},r=${this.cnonce}`;
    return Buffer.from(`n,,${this.clientFirstBare}`);
  }

  final(serverFirst: Buffer): Buffer {
    const sf = serverFirst.toString('utf8');
    const a = attrs(sf);
    if (a.e) throw new Error(`SCRAM server error: ${a.e}`);
    const nonce = a.r;
    const salt = a.s;
    const iterations = Number(a.i);
    if (!nonce || !salt || !Number.isInteger(iterations) || iterations < 1)
      throw new Error(`SCRAM server-first message is malformed: ${sf}`);
    if (!nonce.startsWith(this.cnonce))
      throw new Error('SCRAM server nonce does not extend the client nonce');
    const keyLen = this.hash === 'sha256' ? 32 : 64;
    const salted = pbkdf2Sync(
      this.password.normalize('NFKC'),
      Buffer.from(salt, 'base64'),
      iterations,
      keyLen,
      this.hash,
    );
    const clientKey = hmac(this.hash, salted, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${sf},${withoutProof}`;
    const signature = hmac(this.hash, storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = (clientKey[i] as number) ^ (signature[i] as number);
    this.serverSignature = hmac(this.hash, hmac(this.hash, salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** Checks the server's signature (mutual authentication). */
  verify(serverFinal: Buffer): void {
    const a = attrs(serverFinal.toString('utf8'));
    if (a.e) throw new Error(`SCRAM server error: ${a.e}`);
    const v = a.v ? Buffer.from(a.v, 'base64') : undefined;
    if (
      !v ||
      !this.serverSignature ||
      v.length !== this.serverSignature.length ||
      !timingSafeEqual(v, this.serverSignature)
    )
      throw new Error(
        'SCRAM server signature does not match: the broker did not prove it knows the password',
      );
  }
}

function hmac(hash: ScramHash, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data).digest();
}

function saslName(s: string): string {
  return s.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

function attrs(msg: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of msg.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

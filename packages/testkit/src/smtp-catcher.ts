import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP server for tests (the `smtp-server` package) on 127.0.0.1 and a free port: accepts every
 * message (optionally requiring a user and password) and keeps it, with its text body decoded from
 * quoted-printable, so a test can read the link a mail carries.
 */
export interface CaughtMail {
  from: string;
  to: string[];
  subject: string;
  /** The raw message as received. */
  raw: string;
  /** The message with quoted-printable soft line breaks and escapes undone (enough to read links). */
  text: string;
}

export interface SmtpCatcher {
  port: number;
  url: string;
  mails: CaughtMail[];
  /**
   * Resolves with the first mail to `to` (with this subject, if given), already caught or still to come, or
   * rejects after `timeoutMs`.
   */
  waitFor: (to: string, subject?: string, timeoutMs?: number) => Promise<CaughtMail>;
  close: () => Promise<void>;
}

export function decodeQuotedPrintable(s: string): string {
  const bytes = s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export async function startSmtpCatcher(
  opts: { user?: string; password?: string } = {},
): Promise<SmtpCatcher> {
  const mails: CaughtMail[] = [];
  const waiters: { match: (m: CaughtMail) => boolean; resolve: (m: CaughtMail) => void }[] = [];
  const server = new SMTPServer({
    authOptional: !opts.user,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.password) cb(null, { user: auth.username });
      else cb(new Error('invalid credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: CaughtMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: /^Subject: (.*)$/im.exec(raw)?.[1]?.trim() ?? '',
          raw,
          text: decodeQuotedPrintable(raw),
        };
        mails.push(mail);
        for (const w of waiters.splice(0))
          if (w.match(mail)) w.resolve(mail);
          else waiters.push(w);
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const auth = opts.user
    ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.password ?? '')}@`
    : '';
  return {
    port,
    url: `smtp://${auth}127.0.0.1:${port}`,
    mails,
    waitFor(to, subject, timeoutMs = 10_000) {
      const want = to.toLowerCase();
      const match = (m: CaughtMail) =>
        m.to.includes(want) && (subject === undefined || m.subject === subject);
      const found = mails.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no mail to ${to} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          match,
          resolve: (m) => {
            clearTimeout(t);
            resolve(m);
          },
        });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

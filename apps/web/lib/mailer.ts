import nodemailer, { type Transporter } from 'nodemailer';
import { env } from './env.ts';

/**
 * Outgoing mail through the relay FERRY_SMTP_URL names (nodemailer). Without it Ferry sends no mail: sign-up
 * sends no verification link and invitations do not need a verified email (docs/security.md says what that
 * means). The URL carries the relay's credentials: it is never logged.
 */
const g = globalThis as unknown as { ferryMail?: Transporter };

export function mailerConfigured(): boolean {
  return env().smtp !== null;
}

export async function sendMail(m: { to: string; subject: string; text: string }): Promise<void> {
  const smtp = env().smtp;
  if (!smtp) throw new Error('no mailer configured (FERRY_SMTP_URL)');
  g.ferryMail ??= nodemailer.createTransport(smtp.url);
  await g.ferryMail.sendMail({ from: smtp.from, to: m.to, subject: m.subject, text: m.text });
}

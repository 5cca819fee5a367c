/**
 * The sentence the sign-in page shows for an error code better-auth put in the URL after a failed SSO
 * sign-in. Only known codes get their own sentence; the provider's free-text description is never shown
 * (anyone can craft the link).
 */
const MESSAGES: Record<string, string> = {
  invite_only:
    'Your account is not set up in Ferry: your groups give you no team, and sign-up is by invitation. Ask an administrator.',
  account_not_linked:
    'A Ferry account with this email already exists and its email is not verified. Sign in with its password, verify the email, then use single sign-on.',
  email_not_verified: 'Your identity provider has not verified your email address.',
  access_denied: 'Sign-in was cancelled at the identity provider.',
  state_mismatch: 'The sign-in took too long or was started in another window. Try again.',
  state_not_found: 'The sign-in took too long or was started in another window. Try again.',
};

export function ssoErrorMessage(code: string): string {
  const known = MESSAGES[code];
  if (known) return known;
  const safe = /^[a-z0-9_]{1,40}$/i.test(code) ? ` (${code})` : '';
  return `Single sign-on failed${safe}. Try again, or ask an administrator.`;
}

import { describe, expect, it } from 'vitest';
import { ssoErrorMessage } from '@/lib/sso/errors.ts';
import { checkIssuer } from '@/lib/sso/issuer.ts';

describe('checkIssuer', () => {
  it.each([
    ['https://login.example.com', 'https://login.example.com'],
    ['https://login.example.com/realms/corp/', 'https://login.example.com/realms/corp'],
    ['http://127.0.0.1:4455', 'http://127.0.0.1:4455'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
  ])('%s is accepted as %s', (url, issuer) => {
    expect(checkIssuer(url)).toEqual({ ok: true, issuer });
  });
  it.each([
    ['login.example.com', 'not a URL'],
    ['http://login.example.com', 'https://'],
    ['http://10.0.0.5', 'https://'],
    ['ftp://127.0.0.1', 'https://'],
    ['https://user:pw@login.example.com', 'credentials'],
    ['https://login.example.com/?a=1', 'query or fragment'],
    ['https://login.example.com/#x', 'query or fragment'],
    ['https://169.254.169.254', 'link-local'],
    ['https://[fd00:ec2::254]', 'link-local'],
    ['https://[fe80::1]', 'link-local'],
    ['https://0.0.0.0', 'link-local'],
  ])('%s is refused (%s)', (url, reason) => {
    const r = checkIssuer(url);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toContain(reason);
  });
});

describe('ssoErrorMessage', () => {
  it.each([
    ['invite_only', 'sign-up is by invitation'],
    ['account_not_linked', 'verify the email'],
    ['weird_code', 'Single sign-on failed (weird_code)'],
    ['<script>alert(1)</script>', 'Single sign-on failed. Try again'],
    ['call +1 555 0100 for help', 'Single sign-on failed. Try again'],
  ])('%s → %s', (code, text) => {
    expect(ssoErrorMessage(code)).toContain(text);
  });
});

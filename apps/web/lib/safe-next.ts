/**
 * Where to go after sign-in: `next` only if it resolves to a path on our own origin. A string test such as
 * startsWith('/') is not enough: browsers read `/\evil.example` and `/%09/evil.example` as `//evil.example`.
 */
export function safeNext(next: string | null | undefined, fallback = '/flows'): string {
  if (!next || next.length > 2000) return fallback;
  const base = 'http://ferry.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return fallback;
  }
  // Any control character, backslash or a second leading slash (also once decoded) is refused outright.
  let decoded = next;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  const unsafe = [...decoded].some((c) => c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (unsafe || /^\/[/\\]/.test(decoded)) return fallback;
  if (url.origin !== base || !next.startsWith('/')) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

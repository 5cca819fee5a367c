'use client';

/** Remembers the current team for the dashboard pages (read server-side by lib/page-context.ts). */
export function setTeamCookie(teamId: string) {
  // biome-ignore lint/suspicious/noDocumentCookie: a plain preference cookie, not a credential
  document.cookie = `ferry-team=${teamId}; path=/; samesite=lax; max-age=31536000`;
}

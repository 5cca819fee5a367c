import { Suspense } from 'react';

/**
 * Server-rendered markup that hydrates after the page's first pass: on a full page load React leaves a
 * dehydrated Suspense boundary for a later pass, so what is outside every boundary (the flow page's charts)
 * is hydrated, committed and drawn first. The markup is on screen from the first paint either way; a click or
 * key press inside before its pass makes React hydrate it at once and replay the event (selective hydration).
 * Nothing in it suspends: the boundary never shows a fallback.
 */
export function HydrateLater({ children }: { children: React.ReactNode }) {
  return <Suspense>{children}</Suspense>;
}

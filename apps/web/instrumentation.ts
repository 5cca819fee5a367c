/** Fails start-up with a clear message when configuration (e.g. FERRY_SECRET_KEY) is missing. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { env } = await import('./lib/env.ts');
    env();
  }
}

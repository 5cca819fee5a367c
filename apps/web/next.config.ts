import { join } from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript sources (no build step), so Next compiles them.
  transpilePackages: ['@ferry/core', '@ferry/db', '@ferry/engine'],
  serverExternalPackages: ['pg', 'kafkajs', 'bullmq', 'ioredis'],
  poweredByHeader: false,
  // The container image (Dockerfile, FERRY_NEXT_STANDALONE=1) runs .next/standalone/apps/web/server.js; other
  // builds keep the plain output, which `next start` (npm start, the e2e server) serves without a warning.
  ...(process.env.FERRY_NEXT_STANDALONE === '1'
    ? { output: 'standalone' as const, outputFileTracingRoot: join(import.meta.dirname, '..', '..') }
    : {}),
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
  typedRoutes: false,
  // Workspace packages import with explicit `.ts` extensions (Node type stripping); Turbopack resolves them as is.
  turbopack: { root: join(import.meta.dirname, '..', '..') },
};

export default config;

import { join } from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  transpilePackages: ['@ferry/core', '@ferry/db'],
  serverExternalPackages: ['pg', 'kafkajs', 'bullmq', 'ioredis'],
  poweredByHeader: false,
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

export * from './client.ts';
export * from './env.ts';
export * from './migrate.ts';
export * as schema from './schema/index.ts';

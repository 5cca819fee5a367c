export * from './access.ts';
export * from './instance.ts';
export * from './observability.ts';
export * from './observed.ts';
export * from './replication.ts';
export * from './teams.ts';

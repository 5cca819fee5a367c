export * from './teams.ts';
export * from './replication.ts';
export * from './access.ts';
export * from './observed.ts';

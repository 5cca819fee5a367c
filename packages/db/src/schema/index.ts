export * from './teams.ts';
export * from './replication.ts';

export * from './kafka/client-config.ts';
export * from './kafka/cluster-spec.ts';
export * from './kafka/dedicated-broker.ts';
export * from './kafka/jars.ts';
export { waitFor } from './kafka/process.ts';
export * from './kafka/stack.ts';
export * from './kafka/state.ts';
export * from './kafka/tools.ts';
export * from './kafka/versions.ts';

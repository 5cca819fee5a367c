/**
 * Connection tests of control-plane clusters ("Test connection"): run by a worker for a stored cluster (the
 * machines that must reach it), by the web server for settings not saved yet. Also `@ferry/engine/connection-test`,
 * so the web app loads only this part of the engine.
 */
export { explainKafkaError } from './explain-kafka-error.ts';
export { type ApiVersionRange, guessKafkaVersion, readApiVersions } from './kafka-version.ts';
export {
  draftClusterConfig,
  openClusterSecrets,
  type StoredCluster,
  storedClusterConfig,
} from './stored-cluster.ts';
export { listTopicNames, testConnection, testStoredCluster } from './test-connection.ts';

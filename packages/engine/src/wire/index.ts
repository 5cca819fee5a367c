/**
 * Ferry's Kafka wire layer (ADR 0002): the APIs the data path, positions and offset syncs need, versions
 * negotiated per connection with ApiVersions, TLS and SASL (PLAIN, SCRAM-SHA-256/512). One module per API
 * under apis/, each an `Api` with its grammar above it.
 */
export type { Api } from './api.ts';
export { defineApi, isFlexible } from './api.ts';
export * from './apis/index.ts';
export type { BrokerInfo, ClusterMetadata, CoordinatorType, PartitionInfo, TopicInfo } from './cluster.ts';
export { WireCluster } from './cluster.ts';
export type { WireClusterConfig, WireSasl, WireTls } from './config.ts';
export { Connection, type ConnectionOptions, type WireExchange, wireExchangeChannel } from './connection.ts';
export { check, ErrorCode, errorName, isRetriable, KafkaError, type KafkaErrorContext } from './errors.ts';
export { Reader } from './protocol/reader.ts';
export { Writer } from './protocol/writer.ts';
export { retrying } from './retry.ts';

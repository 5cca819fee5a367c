import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createReplicationMetrics } from '../../src/metrics/prometheus.ts';

describe('Prometheus series named after MirrorMaker 2', () => {
  it('exposes per-partition and per-group series with MM2 labels plus Ferry lag', async () => {
    const register = new Registry();
    const m = createReplicationMetrics(register);
    m.observePartition({
      flowId: 'f',
      source: 'east',
      target: 'west',
      topic: 'orders',
      partition: 3,
      records: 50,
      bytes: 5000,
      windowMs: 5000,
      recordAgeMs: { min: 1, max: 9, avg: 4 },
      replicationLatencyMs: { min: 2, max: 12, avg: 6 },
      lagRecords: 42,
      lagMs: 1500,
    });
    m.observeCheckpoint({
      flowId: 'f',
      source: 'east',
      target: 'west',
      group: 'g1',
      topic: 'orders',
      partition: 3,
      checkpointLatencyMs: { min: 5, max: 50, avg: 20 },
    });
    m.observeGap({
      flow: 'east->west',
      source: 'east',
      target: 'west',
      topic: 'orders',
      partition: 3,
      records: 1204,
    });
    m.observeGap({
      flow: 'east->west',
      source: 'east',
      target: 'west',
      topic: 'orders',
      partition: 3,
      records: 6,
    });
    const text = await register.metrics();
    const l = 'source="east",target="west",topic="orders",partition="3"';
    const gl = `flow="east->west",${l}`;
    expect(text).toContain(`ferry_data_gap_records_total{${gl}} 1210`);
    expect(text).toContain(`ferry_data_gaps_total{${gl}} 2`);
    expect(text).toContain(`kafka_connect_mirror_source_connector_record_count{${l}} 50`);
    expect(text).toContain(`kafka_connect_mirror_source_connector_byte_rate{${l}} 1000`);
    expect(text).toContain(`kafka_connect_mirror_source_connector_replication_latency_ms_avg{${l}} 6`);
    expect(text).toContain(`kafka_connect_mirror_source_connector_record_age_ms_max{${l}} 9`);
    expect(text).toContain(`ferry_replication_lag_records{${l}} 42`);
    expect(text).toContain(`ferry_replication_lag_seconds{${l}} 1.5`);
    expect(text).toContain(
      'kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms_avg{source="east",target="west",group="g1",topic="orders",partition="3"} 20',
    );
  });
});

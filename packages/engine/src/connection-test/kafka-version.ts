import type { Kafka } from 'kafkajs';

export interface ApiVersionRange {
  minVersion: number;
  maxVersion: number;
}

/** The Kafka release line, guessed from the broker's Fetch API version range (ApiVersions). */
export function guessKafkaVersion(fetch: ApiVersionRange | undefined): string | null {
  if (!fetch) return null;
  const { minVersion: min, maxVersion: max } = fetch;
  const line =
    min >= 4
      ? '4.x'
      : max >= 17
        ? '3.9'
        : max >= 16
          ? '3.7–3.8'
          : max >= 15
            ? '3.5–3.6'
            : max >= 13
              ? '3.1–3.4'
              : max >= 12
                ? '2.7–3.0'
                : max >= 11
                  ? '2.3–2.6'
                  : 'older than 2.3';
  return `Kafka ${line} (Fetch v${min}–v${max})`;
}

/**
 * The broker's ApiVersions answer, by API key. kafkajs keeps it on its internal cluster object; reach it
 * through the private factory its source documents (`private:Kafka:createCluster`). Null when that changes.
 */
export async function readApiVersions(kafka: Kafka): Promise<Record<number, ApiVersionRange> | null> {
  const sym = Object.getOwnPropertySymbols(kafka).find(
    (x) => x.description === 'private:Kafka:createCluster',
  );
  if (!sym) return null;
  const cluster = (
    kafka as unknown as Record<
      symbol,
      (o: object) => {
        connect(): Promise<void>;
        disconnect(): Promise<void>;
        brokerPool: { versions?: Record<number, ApiVersionRange> };
      }
    >
  )[sym]!({});
  try {
    await cluster.connect();
    return cluster.brokerPool.versions ?? null;
  } finally {
    await cluster.disconnect().catch(() => {});
  }
}

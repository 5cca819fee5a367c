/**
 * Apache Kafka versions the local stack supports, with the Maven coordinates each needs.
 * The newest 4.x whose artifacts are all on Maven Central is the default; 3.9.x is the last 3.x line.
 */
export interface KafkaVersionSpec {
  version: string;
  major: 3 | 4;
  /** Maven coordinates group:artifact:version resolved (with their runtime dependencies) into the jar cache. */
  artifacts: string[];
}

export const DEFAULT_KAFKA_VERSION = '4.3.1';
export const LEGACY_KAFKA_VERSION = '3.9.2';

const SUPPORTED = new Map<string, KafkaVersionSpec>([
  [
    '4.3.1',
    {
      version: '4.3.1',
      major: 4,
      artifacts: ['org.apache.kafka:kafka_2.13:4.3.1', 'org.apache.logging.log4j:log4j-slf4j-impl:2.25.4'],
    },
  ],
  [
    '3.9.2',
    {
      version: '3.9.2',
      major: 3,
      artifacts: ['org.apache.kafka:kafka_2.13:3.9.2', 'org.slf4j:slf4j-reload4j:1.7.36'],
    },
  ],
]);

export class UnsupportedKafkaVersionError extends Error {
  readonly code = 'UNSUPPORTED_KAFKA_VERSION';
  constructor(version: string) {
    super(
      `Kafka ${version} is not supported by ferry stack. Supported: ${[...SUPPORTED.keys()].join(', ')} ` +
        `(aliases: 4, latest → ${DEFAULT_KAFKA_VERSION}; 3, 3.9 → ${LEGACY_KAFKA_VERSION}).`,
    );
  }
}

/** Resolves a version or alias ("latest", "4", "3.9") to a supported spec. */
export function resolveKafkaVersion(input: string | undefined): KafkaVersionSpec {
  const v = (input ?? 'latest').trim();
  const alias: Record<string, string> = {
    latest: DEFAULT_KAFKA_VERSION,
    '4': DEFAULT_KAFKA_VERSION,
    '4.3': DEFAULT_KAFKA_VERSION,
    '3': LEGACY_KAFKA_VERSION,
    '3.9': LEGACY_KAFKA_VERSION,
  };
  const spec = SUPPORTED.get(alias[v] ?? v);
  if (!spec) throw new UnsupportedKafkaVersionError(v);
  return spec;
}

export function supportedKafkaVersions(): string[] {
  return [...SUPPORTED.keys()];
}

import { compilePatterns, type PatternMatcher, PatternRefused } from '@ferry/core/patterns';
import { ConfigError } from '../errors.ts';

/**
 * MM2's `DefaultConfigPropertyFilter` default `config.properties.exclude`: regular expressions (full match) of
 * topic configs never copied to the remote topic.
 */
export const DEFAULT_CONFIG_PROPERTIES_EXCLUDE = [
  'follower\\.replication\\.throttled\\.replicas',
  'leader\\.replication\\.throttled\\.replicas',
  'message\\.timestamp\\.difference\\.max\\.ms',
  'message\\.timestamp\\.type',
  'unclean\\.leader\\.election\\.enable',
  'min\\.insync\\.replicas',
];

export interface ConfigPropertyFilter {
  shouldReplicateConfigProperty(name: string): boolean;
}

export function configPropertyFilter(
  exclude: string[] = DEFAULT_CONFIG_PROPERTIES_EXCLUDE,
): ConfigPropertyFilter {
  let re: PatternMatcher | undefined;
  try {
    re = exclude.length === 0 ? undefined : compilePatterns(exclude);
  } catch (e) {
    if (e instanceof PatternRefused) throw new ConfigError('config.properties.exclude', e.pattern, e.message);
    throw e;
  }
  return { shouldReplicateConfigProperty: (name) => !(re?.matches(name) ?? false) };
}

/** A source topic config entry as describeConfigs reports it. */
export interface TopicConfigEntry {
  name: string;
  value: string | null;
  /** Set explicitly on the topic (not a broker or static default). */
  isTopicOverride: boolean;
  isSensitive?: boolean;
  readOnly?: boolean;
}

/**
 * The configs to set on the remote topic: the source topic's own overrides that pass the filter (MM2 copies only
 * non-default values; sensitive and read-only ones never).
 */
export function configsToSync(
  entries: TopicConfigEntry[],
  filter: ConfigPropertyFilter,
): Array<{ name: string; value: string }> {
  return entries
    .filter(
      (e) =>
        e.isTopicOverride &&
        !e.isSensitive &&
        !e.readOnly &&
        e.value !== null &&
        filter.shouldReplicateConfigProperty(e.name),
    )
    .map((e) => ({ name: e.name, value: e.value! }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

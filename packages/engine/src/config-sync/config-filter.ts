import { DEFAULT_CONFIG_PROPERTIES_EXCLUDE, patternList } from '@ferry/core';

/**
 * MM2's `DefaultConfigPropertyFilter` default `config.properties.exclude` (in the key table of @ferry/core):
 * regular expressions (full match) of topic configs never copied to the remote topic.
 */
export { DEFAULT_CONFIG_PROPERTIES_EXCLUDE } from '@ferry/core';

export interface ConfigPropertyFilter {
  shouldReplicateConfigProperty(name: string): boolean;
}

export function configPropertyFilter(
  exclude: string[] = DEFAULT_CONFIG_PROPERTIES_EXCLUDE,
): ConfigPropertyFilter {
  const re = patternList('config.properties.exclude', exclude);
  return { shouldReplicateConfigProperty: (name) => !re.test(name) };
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

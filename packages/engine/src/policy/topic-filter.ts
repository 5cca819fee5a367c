import { compilePatterns, type PatternMatcher, PatternRefused } from '@ferry/core/patterns';
import { ConfigError } from '../errors.ts';

/** MM2's default `topics.exclude` (`DefaultTopicFilter`). */
export const DEFAULT_TOPICS_EXCLUDE = ['.*[\\-\\.]internal', '.*\\.replica', '__.*'];
export const DEFAULT_TOPICS_INCLUDE = ['.*'];

export interface TopicFilter {
  shouldReplicate(topic: string): boolean;
}

/** Splits MM2's comma-separated list (whitespace around items ignored, empty items dropped). */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function compile(key: string, patterns: string[]): PatternMatcher | undefined {
  if (patterns.length === 0) return undefined;
  try {
    return compilePatterns(patterns);
  } catch (e) {
    if (e instanceof PatternRefused) throw new ConfigError(key, e.pattern, e.message);
    throw e;
  }
}

/** Include/exclude regex lists with MM2 semantics: full match, exclude wins. */
export function topicFilter(
  include: string[] = DEFAULT_TOPICS_INCLUDE,
  exclude: string[] = DEFAULT_TOPICS_EXCLUDE,
): TopicFilter {
  const inc = compile('topics', include);
  const exc = compile('topics.exclude', exclude);
  return {
    shouldReplicate: (topic) => (inc?.matches(topic) ?? false) && !(exc?.matches(topic) ?? false),
  };
}

import { ConfigError } from './ferry-error.ts';
import { compilePatterns, PatternRefused } from './patterns.ts';

// Include/exclude pattern lists as MM2 uses them (`topics`, `topics.exclude`, `groups`, `groups.exclude`):
// each entry is a regular expression that must match the whole name. Every pattern Ferry runs is compiled by
// ./patterns.ts (RE2, linear time, with length and count limits).

/** MM2's default `topics` and `topics.exclude` (`DefaultTopicFilter`). */
export const DEFAULT_TOPICS_INCLUDE = ['.*'];
export const DEFAULT_TOPICS_EXCLUDE = ['.*[\\-\\.]internal', '.*\\.replica', '__.*'];

/** Splits MM2's comma-separated list (whitespace around items ignored, empty items dropped). */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Whether a name matches one of `patterns` (MM2 joins the list with `|` and requires a full match). */
export interface PatternList {
  test(name: string): boolean;
}

/** Compiles a pattern list named by its MM2 key; a refused pattern is a `ConfigError` naming the key. */
export function patternList(key: string, patterns: readonly string[]): PatternList {
  try {
    const m = compilePatterns(patterns);
    return { test: (name) => m.matches(name) };
  } catch (e) {
    if (e instanceof PatternRefused) throw new ConfigError(key, e.pattern, e.message);
    throw e;
  }
}

export interface TopicFilter {
  shouldReplicate(topic: string): boolean;
}

/** Include/exclude regex lists with MM2 semantics: full match, exclude wins. */
export function topicFilter(
  include: readonly string[] = DEFAULT_TOPICS_INCLUDE,
  exclude: readonly string[] = DEFAULT_TOPICS_EXCLUDE,
): TopicFilter {
  const inc = patternList('topics', include);
  const exc = patternList('topics.exclude', exclude);
  return { shouldReplicate: (topic) => inc.test(topic) && !exc.test(topic) };
}

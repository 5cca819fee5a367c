import { ConfigError } from './ferry-error.ts';

/**
 * Include/exclude pattern lists as MM2 uses them (`topics`, `topics.exclude`, `groups`, `groups.exclude`):
 * each entry is a regular expression that must match the whole name. Java and JavaScript regex syntax agree
 * for the common subset. Every pattern Ferry runs is compiled here, by `compilePattern`.
 */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** The error message when a pattern does not compile, else null. */
export function patternError(pattern: string): string | null {
  if (pattern.trim() === '') return 'pattern is empty';
  try {
    compilePattern(pattern);
    return null;
  } catch (e) {
    return `not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

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

/** Compiles a pattern list named by its MM2 key; an invalid pattern is a `ConfigError` naming the key. */
export function patternList(key: string, patterns: readonly string[]): PatternList {
  const compiled = patterns.map((p) => {
    try {
      return compilePattern(p);
    } catch {
      throw new ConfigError(key, p, patternError(p) ?? 'not a valid regular expression');
    }
  });
  return { test: (name) => compiled.some((r) => r.test(name)) };
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

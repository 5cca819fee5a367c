import { RE2JS } from 're2js';

/**
 * The one place a user-supplied topic or group pattern is compiled — by the web (preview, overlap check,
 * validation), by workers (discovery, checkpoints, config sync, verification) and by `ferry run`.
 *
 * Patterns run on RE2JS, a pure-JavaScript port of RE2: matching is linear in the name's length whatever the
 * pattern, so `(a+)+$` cannot stall a process (V8's backtracking engine takes seconds on 30 characters). RE2
 * has no backreferences or lookaround; a pattern using them is refused with a sentence, not run.
 *
 * Semantics are MM2's (`MirrorUtils.compilePatternList` + `Pattern.matcher(name).matches()`): a list is one
 * alternation, and a name is selected only when the whole name matches.
 */
export const PATTERN_LIMITS = {
  /** Characters in one pattern. Kafka topic names are at most 249 characters. */
  maxLength: 1000,
  /** Patterns in one list (include or exclude). */
  maxCount: 100,
  /** RE2 program instructions for one list, bounding memory and the constant of the linear match. */
  maxProgramSize: 50_000,
} as const;

export class PatternRefused extends Error {
  readonly code = 'PATTERN_REFUSED';
  readonly pattern: string;
  constructor(pattern: string, reason: string) {
    super(reason);
    this.name = 'PatternRefused';
    this.pattern = pattern;
  }
}

export interface PatternMatcher {
  /** Whether the whole name matches one of the list's patterns (an empty list matches nothing). */
  matches(name: string): boolean;
}

function compileOne(source: string, pattern: string): RE2JS {
  try {
    return RE2JS.compile(source);
  } catch (e) {
    const msg = (e as Error).message.replace(/^error parsing regexp: /, '');
    throw new PatternRefused(pattern, `not a valid regular expression: ${msg}`);
  }
}

/** Why a single pattern is refused, or null when it may run. */
export function patternError(pattern: string): string | null {
  if (pattern.trim() === '') return 'pattern is empty';
  if (pattern.length > PATTERN_LIMITS.maxLength)
    return `pattern is longer than ${PATTERN_LIMITS.maxLength} characters`;
  try {
    const re = compileOne(`(?:${pattern})`, pattern);
    if (re.programSize() > PATTERN_LIMITS.maxProgramSize) return 'pattern is too complex';
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Compiles a pattern list with MM2's full-match semantics; throws PatternRefused naming the bad pattern. */
export function compilePatterns(patterns: readonly string[]): PatternMatcher {
  if (patterns.length > PATTERN_LIMITS.maxCount)
    throw new PatternRefused(
      patterns[PATTERN_LIMITS.maxCount] ?? '',
      `more than ${PATTERN_LIMITS.maxCount} patterns in one list`,
    );
  if (patterns.length === 0) return { matches: () => false };
  for (const p of patterns) {
    const err = patternError(p);
    if (err) throw new PatternRefused(p, err);
  }
  const re = compileOne(patterns.map((p) => `(?:${p})`).join('|'), patterns.join(','));
  if (re.programSize() > PATTERN_LIMITS.maxProgramSize)
    throw new PatternRefused(patterns.join(','), 'the pattern list is too complex');
  return { matches: (name) => re.matches(name) };
}

/** Include/exclude lists as MM2 applies them: included by a full match and not excluded. */
export function makeFilter(
  include: readonly string[],
  exclude: readonly string[],
): (name: string) => boolean {
  const inc = compilePatterns(include);
  const exc = compilePatterns(exclude);
  return (name) => inc.matches(name) && !exc.matches(name);
}

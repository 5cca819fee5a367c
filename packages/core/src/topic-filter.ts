/**
 * Include/exclude pattern lists as MM2 uses them (`topics`, `topics.exclude`): each entry is a regular
 * expression that must match the whole name. Java and JavaScript regex syntax agree for the common subset.
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

export function makeFilter(
  include: readonly string[],
  exclude: readonly string[],
): (name: string) => boolean {
  const inc = include.map(compilePattern);
  const exc = exclude.map(compilePattern);
  return (name) => inc.some((r) => r.test(name)) && !exc.some((r) => r.test(name));
}

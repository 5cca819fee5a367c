import { compilePatterns, type PatternMatcher, PatternRefused } from '@ferry/core/patterns';
import { ConfigError } from '../errors.ts';

/** MM2's `DefaultGroupFilter` defaults. */
export const DEFAULT_GROUPS_INCLUDE = ['.*'];
export const DEFAULT_GROUPS_EXCLUDE = ['console-consumer-.*', 'connect-.*', '__.*'];

/** Ferry's own groups on either cluster: never checkpointed. */
const FERRY_GROUP = /^ferry-(positions|task|reader|offsets)\./;

export interface GroupFilter {
  shouldReplicateGroup(group: string): boolean;
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

/** `groups` / `groups.exclude` with MM2 semantics: full match, exclude wins; Ferry's own groups are excluded. */
export function groupFilter(
  include: string[] = DEFAULT_GROUPS_INCLUDE,
  exclude: string[] = DEFAULT_GROUPS_EXCLUDE,
): GroupFilter {
  const inc = compile('groups', include);
  const exc = compile('groups.exclude', exclude);
  return {
    shouldReplicateGroup: (g) =>
      !FERRY_GROUP.test(g) && inc !== undefined && inc.matches(g) && !(exc?.matches(g) ?? false),
  };
}

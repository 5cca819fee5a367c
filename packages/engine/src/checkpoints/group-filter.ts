import { DEFAULT_GROUPS_EXCLUDE, DEFAULT_GROUPS_INCLUDE, patternList } from '@ferry/core';

export { DEFAULT_GROUPS_EXCLUDE, DEFAULT_GROUPS_INCLUDE } from '@ferry/core';

/** Ferry's own groups on either cluster: never checkpointed. */
const FERRY_GROUP = /^ferry-(positions|task|reader|offsets)\./;

export interface GroupFilter {
  shouldReplicateGroup(group: string): boolean;
}

/** `groups` / `groups.exclude` with MM2 semantics: full match, exclude wins; Ferry's own groups are excluded. */
export function groupFilter(
  include: string[] = DEFAULT_GROUPS_INCLUDE,
  exclude: string[] = DEFAULT_GROUPS_EXCLUDE,
): GroupFilter {
  const inc = patternList('groups', include);
  const exc = patternList('groups.exclude', exclude);
  return { shouldReplicateGroup: (g) => !FERRY_GROUP.test(g) && inc.test(g) && !exc.test(g) };
}

// Kept for existing imports: topic and group patterns are compiled by ./patterns.ts (RE2, linear time).
export { makeFilter, patternError } from './patterns.ts';

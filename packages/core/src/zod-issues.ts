import type { z } from 'zod';
import type { FieldIssue } from './errors.ts';

/** zod issues as `{ path, message }` with a dotted path naming the field. */
export function fieldIssues(error: z.ZodError, prefix: string[] = []): FieldIssue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

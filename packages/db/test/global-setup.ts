import type { TestProject } from 'vitest/node';
import { createTemplateDatabase, dropDatabases, templateName } from '../src/testing.ts';

/** One migrated template per run; each worker clones it (src/testing.ts). */
export default async function setup(project: TestProject) {
  const runId = `db${process.pid}`;
  project.provide('dbRunId', runId);
  await createTemplateDatabase(runId);
  return async () => {
    await dropDatabases(`ferry_t_${runId}_`);
    await dropDatabases(templateName(runId));
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dbRunId: string;
  }
}

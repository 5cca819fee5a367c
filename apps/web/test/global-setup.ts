import { createTemplateDatabase, dropDatabases, templateName } from '@ferry/db/testing';
import type { TestProject } from 'vitest/node';

/** One migrated template database per run; each test file clones it (setup-db.ts). */
export default async function setup(project: TestProject) {
  const runId = `web${process.pid}`;
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

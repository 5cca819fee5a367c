import { createTemplateDatabase, dropDatabases } from '@ferry/db/testing';
import { ensureTestStack } from '@ferry/testkit/vitest';
import type { TestProject } from 'vitest/node';

const runId = `w${process.pid}`;

export default async function setup(project: TestProject) {
  await Promise.all([createTemplateDatabase(runId), ensureTestStack()]);
  project.provide('dbRunId', runId);
  return async () => {
    await dropDatabases(`ferry_t_${runId}_`);
    await dropDatabases(`ferry_tpl_${runId}`);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dbRunId: string;
  }
}

import type { TestProjectInlineConfiguration } from 'vitest/config';

/**
 * A workspace's two vitest projects: `unit` (pure tests, nothing started) and `int` (`*.int.test.ts`, which
 * need brokers: only its global setup makes sure the test stack is up). `vitest run test/x.test.ts` of a pure
 * file never touches Kafka.
 */
export function unitAndIntProjects(intGlobalSetup: string): TestProjectInlineConfiguration[] {
  return [
    {
      extends: true,
      test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.int.test.ts'] },
    },
    {
      extends: true,
      test: { name: 'int', include: ['test/**/*.int.test.ts'], globalSetup: [intGlobalSetup] },
    },
  ];
}

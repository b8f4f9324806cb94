import { defineConfig } from 'vitest/config';

/**
 * Three projects, one `npm test`:
 * - **unit**: pure logic, tests beside the source (`<package>/src/**\/*.test.ts`); no services, files in
 *   parallel, seconds (`npm run test:unit`).
 * - **integration**: one Kafka broker and one stack (four subgraphs + router) started by the global setup and
 *   shared by the suites; each suite keeps to its own databases, topics or data. Files run one at a time: the
 *   services already use both cores, and the broker-outage suite stops the shared broker.
 * - **browser**: the storefront in Chromium against the same stack.
 * The stack starts only when a project that needs it runs.
 */
const stackProject = {
  globalSetup: ['tests/setup/global-setup.ts'],
  fileParallelism: false,
  pool: 'forks' as const,
  testTimeout: 60_000,
  hookTimeout: 180_000,
  teardownTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['router/src/**/*.test.ts', 'clients/storefront/src/**/*.test.ts', 'subgraphs/*/src/**/*.test.ts', 'schema/src/**/*.test.ts', 'deploy/local/src/**/*.test.ts', 'bench/src/**/*.test.ts'],
          pool: 'threads',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['subgraphs/*/test/**/*.test.ts', 'schema/test/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['tests/browser/**', '**/node_modules/**'],
          ...stackProject,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          // A page re-renders after a request; on a busy machine that can take more than vitest's 1 s default.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          ...stackProject,
        },
      },
    ],
  },
});

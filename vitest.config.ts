import { defineConfig } from 'vitest/config';

/**
 * One run = one Kafka broker and one stack (four subgraphs + router), started by the global setup and
 * shared by the suites; each suite keeps to its own databases, topics or data. Files run one at a time:
 * the services already use both cores, and the broker-outage suite stops the shared broker.
 */
export default defineConfig({
  test: {
    globalSetup: ['tests/setup/global-setup.ts'],
    include: [
      'subgraphs/*/test/**/*.test.ts',
      'router/test/**/*.test.ts',
      'schema/test/**/*.test.ts',
      'deploy/local/test/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});

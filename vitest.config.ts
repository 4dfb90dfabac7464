import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Provides the Kafka broker (kafkaBrokers) to tests that import test/kafka/kafka-context.ts.
    globalSetup: ['test/kafka/global-setup.ts'],
    // Property tests print their seed on failure; CI can raise the run count with FC_NUM_RUNS.
    reporters: ['default'],
  },
});

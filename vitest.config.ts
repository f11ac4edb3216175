import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // integration tests spawn ffmpeg, sshd and child services: two cores, so keep parallelism modest
    maxWorkers: 2,
    pool: 'forks',
    reporters: ['default', './test/helpers/plain-summary-reporter.ts'],
  },
});

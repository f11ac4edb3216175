import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // integration tests spawn ffmpeg, sshd and child services: two cores, so keep parallelism modest
    maxWorkers: 2,
    pool: 'forks',
    reporters: ['default', './test/helpers/plain-summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          // the fast tier (`npm run test:unit`): no child process, no port, no ffmpeg, enforced by the guard
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['./test/helpers/unit-tier-guard.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // real processes, ffmpeg and servers on two shared cores: a slow machine must not fail them
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});

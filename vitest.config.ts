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
          // runs ssh-keygen; belongs in integration/ (being edited on another branch, so moved at merge)
          exclude: ['test/unit/sftp-host-key.test.ts'],
          setupFiles: ['./test/helpers/unit-tier-guard.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts', 'test/unit/sftp-host-key.test.ts'] },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // End-to-end tests start real HTTP servers and databases; give them room on a 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Files share a worker's loaded modules (no re-import per file: that was a fifth of the run); each
    // test still gets its own app on its own database, so no state crosses files. Three workers on two
    // cores: tests spend a good part of their time waiting on child processes and HTTP.
    isolate: false,
    maxWorkers: 3,
  },
});

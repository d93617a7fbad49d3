// Browser tests (issue 6): Debian's chromium driven by playwright-core against a real Fuseguard
// with simulated stations. One file at a time: the machine has 2 cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

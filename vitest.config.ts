import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scenarios/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every snapshot of the control loop is checked against one made from scratch (issue 15).
    env: { FUSEGUARD_VERIFY_SNAPSHOTS: '1' },
  },
});

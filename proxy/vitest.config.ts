import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // The fuzz, soak and emulator tests do real work on a 2-core CI machine that runs other
    // suites' servers too; 5 s made them fail for load, not for a fault.
    testTimeout: 30_000,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // The conformance suite starts a real server per file; loopback calls are fast,
    // but the concurrency and latency cases wait on timers.
    testTimeout: 15_000,
  },
});

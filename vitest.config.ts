import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: process-spawning tests (ZeroMQ) must not starve each other.
    maxWorkers: 2,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/support/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Native SQLite and msw interceptors are happiest in forked workers.
    pool: "forks",
  },
});

import { defineConfig } from "vitest/config";

// `npm run test:e2e`: the page in Debian's Chromium against `npm start` (tests/e2e). One file at a
// time: each starts its own server and browser, and the machine may have two cores.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.e2e.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: "forks",
  },
});

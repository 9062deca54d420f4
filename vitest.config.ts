import { defineConfig } from "vitest/config";

// The default run (npm test) must stay within a few minutes on CI's 2 cores; long scientific checks are
// gated on STRAND_SLOW=1 (npm run test:slow).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/setup.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});

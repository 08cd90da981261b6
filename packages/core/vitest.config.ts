import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    // Property tests run within a time budget (test/support/property-budget.ts); this bound is for
    // a busy 2-core CI machine, where the default 5 s once failed a test that takes 0.3 s when quiet.
    setupFiles: ["./test/support/property-budget.ts"],
    testTimeout: 30_000,
  },
});

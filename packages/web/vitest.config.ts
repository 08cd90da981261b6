import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    // The browser suites start the Express example and Chromium per file, and wait out 2 s tokens.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

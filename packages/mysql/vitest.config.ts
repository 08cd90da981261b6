import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    // Probes the service once per run: one warning when it is down, one verdict for every file.
    globalSetup: ["./test/global-setup.ts"],
    // Every test creates its own tables or keys; the hooks that do it wait on a shared server.
    hookTimeout: 30_000,
    testTimeout: 30_000,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each package and app is its own project; a package may add a vitest.config.ts of its own.
    projects: ["packages/*", "apps/*"],
  },
});

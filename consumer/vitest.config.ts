import { defineConfig } from "vitest/config";

// Each file installs real packages with npm and starts real servers: minutes, not milliseconds.
export default defineConfig({
  test: {
    name: "consumer",
    globalSetup: ["./src/pack.ts"],
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});

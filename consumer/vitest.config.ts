import { defineConfig } from "vitest/config";

// Each file installs real packages with npm and starts real servers: minutes, not milliseconds.
export default defineConfig({
  test: {
    name: "consumer",
    globalSetup: ["./src/pack.ts"],
    testTimeout: 300_000,
    hookTimeout: 1_200_000, // an npm install that compiles better-sqlite3 took over 10 minutes on a busy 2-core machine
  },
});

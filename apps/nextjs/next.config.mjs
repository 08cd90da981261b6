import { fileURLToPath } from "node:url";

const monorepoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A test builds into a folder of its own (NEXT_DIST_DIR) so it never replaces the build others use.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Loaded by Node at run time rather than bundled: one copy of core for the whole server, and the
  // store packages (better-sqlite3 is native) that @latch/example-config imports by name.
  serverExternalPackages: ["@latch/core", "@latch/example-config"],
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
};

export default nextConfig;

// The tiny Next.js app of the adapter scenario (bench/src/servers/nextjs-servers.ts builds and
// starts it with `next start`): POST /login and GET /protected as App Router route handlers.
import { fileURLToPath } from "node:url";

const monorepoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Loaded by Node at run time, not bundled: one copy of core per server, as in apps/nextjs.
  serverExternalPackages: ["@latch/core", "@latch/nextjs"],
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
};

export default nextConfig;

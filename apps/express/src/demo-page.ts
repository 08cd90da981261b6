import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The built demo page (apps/demo/dist), or undefined when it has not been built. */
export function demoPageDir(): string | undefined {
  const dir = join(dirname(createRequire(import.meta.url).resolve("@latch/demo/package.json")), "dist");
  return existsSync(join(dir, "index.html")) ? dir : undefined;
}

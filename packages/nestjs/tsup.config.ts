import type { Options } from "tsup";
import { latchPackage } from "../../tsup.base";

// The platform adapters are loaded with import() (src/platform.ts). In the CJS build that must be
// require(), so a CommonJS app gets @latch/express's CJS build on the same CJS @latch/core as this
// package, not the ESM build on a second copy of core.
const configs = latchPackage({ index: "src/index.ts" }) as Options[];
export default configs.map((config): Options => {
  if (!config.format?.includes("cjs")) return config;
  return {
    ...config,
    esbuildOptions: (options) => {
      options.supported = { ...options.supported, "dynamic-import": false };
    },
  };
});

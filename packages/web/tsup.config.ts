import type { Options } from "tsup";
import { latchPackage } from "../../tsup.base";

// The same ESM + CJS + types as every package, compiled for browsers instead of Node.
const configs = latchPackage({ index: "src/index.ts" }) as Options[];
export default configs.map((config) => ({ ...config, target: "es2022", platform: "browser" as const }));

import type { Options } from "tsup";
import { latchPackage } from "../../tsup.base";

// better-sqlite3 is an optional dependency, which tsup (unlike dependencies) would bundle: it must
// stay an import resolved at run time, from the app's node_modules, or be missing there.
export default (latchPackage({ index: "src/index.ts" }) as Options[]).map((options) => ({
  ...options,
  external: [...(options.external ?? []), "better-sqlite3"],
}));

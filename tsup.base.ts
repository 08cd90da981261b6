import { defineConfig, type Options } from "tsup";

/**
 * Every Latch package builds the same way: ESM + CJS + types for each entry.
 * `bundle` lists dependencies inlined (tree-shaken) into both builds: jose 6 is ESM-only, so the CJS
 * build needs it inlined for `require()` on every Node 20 release; and loading jose's many small
 * ESM files costs a serverless cold start about 40 ms that one inlined file does not.
 */
export function latchPackage(entry: Record<string, string>, options: { bundle?: string[]; tsconfig?: string } = {}) {
  const common: Options = {
    entry,
    sourcemap: true,
    clean: false,
    target: "node20",
    tsconfig: options.tsconfig ?? "tsconfig.json",
    dts: true,
    splitting: true,
  };
  return defineConfig([
    { ...common, format: ["esm"], noExternal: options.bundle ?? [] },
    // No code splitting for CJS: tsup's CJS chunks go through a second transform that emits broken
    // class-field code (seen with jose's error classes); one file per entry is what require() wants anyway.
    { ...common, format: ["cjs"], splitting: false, noExternal: options.bundle ?? [] },
  ]);
}

import { defineConfig } from "tsup";

// ESM only: the suites run inside vitest, which cannot be loaded with require().
export default defineConfig({
  entry: { store: "src/store/index.ts", adapter: "src/adapter/index.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  target: "node20",
});

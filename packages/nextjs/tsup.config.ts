import { latchPackage } from "../../tsup.base";

// jose stays a dependency here (not inlined): Next.js bundles it for each runtime itself, and the
// edge entry must reach it without going through @latch/core.
export default latchPackage({ index: "src/index.ts", edge: "src/edge.ts", pages: "src/pages.ts" });

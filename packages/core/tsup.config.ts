import { latchPackage } from "../../tsup.base";

export default latchPackage(
  {
    index: "src/index.ts",
    node: "src/node/index.ts",
    web: "src/web/index.ts",
    sql: "src/sql/index.ts",
    opentelemetry: "src/opentelemetry/index.ts",
  },
  { bundle: ["jose"], tsconfig: "tsconfig.node.json" },
);

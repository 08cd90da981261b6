import { latchPackage } from "../../tsup.base";

export default latchPackage({ index: "src/index.ts" });

// Prints the scale probe's saved runs (bench/scale-results.json) as SCALE.md's table and the
// million-session summary RESULTS.md gets: `tsx src/tools/scale-table.ts`, from bench/.
import { millionSessionSummary, scaleTable } from "../scale-results";

console.log(scaleTable().join("\n"));
console.log();
console.log(millionSessionSummary().join("\n"));

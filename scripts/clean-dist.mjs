// Removes the current package's dist/ before a build (portable `rm -rf dist`).
import { rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { cleanEnv } from "./npm-app";

/**
 * A SQLite outage as users meet it: another process holds the database's write lock past the
 * store's busy timeout. `down()` takes the lock (through the app's own better-sqlite3, or with
 * `nodeSqlite` through node:sqlite of the Node.js at `node`), `up()` lets go.
 */
export function sqliteLock(
  appDir: string,
  file = "latch.db",
  options: { nodeSqlite?: boolean; node?: string } = {},
): { down(): Promise<void>; up(): Promise<void> } {
  let holder: ChildProcess | undefined;
  const open = options.nodeSqlite
    ? `new (process.getBuiltinModule("node:sqlite").DatabaseSync)(${JSON.stringify(file)})`
    : `require("better-sqlite3")(${JSON.stringify(file)})`;
  const script = `const db = ${open}; db.exec("BEGIN EXCLUSIVE");
process.stdout.write("locked\\n"); process.stdin.resume(); process.stdin.on("end", () => { db.exec("ROLLBACK"); db.close(); });`;
  return {
    async down() {
      const child = spawn(options.node ?? process.execPath, ["-e", script], {
        cwd: appDir,
        env: cleanEnv(),
        stdio: ["pipe", "pipe", "inherit"],
      });
      holder = child;
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve());
        child.once("exit", (code) => reject(new Error(`the lock holder exited with ${code}`)));
      });
    },
    async up() {
      if (!holder || holder.exitCode !== null) return;
      const exited = once(holder, "exit");
      holder.stdin?.end();
      await exited;
    },
  };
}

// Serves the bundled Worker with workerd through miniflare (both from the npm registry), with the
// LATCH_* variables as the Worker's bindings. LATCH_NODEJS_COMPAT=1 adds the nodejs_compat flag.
// LATCH_STORE=d1:<BINDING> binds a local D1 database of that name, kept in LATCH_D1_PERSIST (a
// folder) when set, else in memory.
import { Miniflare } from "miniflare";

const [scriptPath] = process.argv.slice(2);
const host = "127.0.0.1";
const port = Number(process.env.PORT ?? 3000);
const bindings = Object.fromEntries(Object.entries(process.env).filter(([name]) => name === "PORT" || name.startsWith("LATCH_")));
const d1Binding = /^d1:(\w+)$/.exec(process.env.LATCH_STORE ?? "")?.[1];
const miniflare = new Miniflare({
  // Listed, not scanned: miniflare refuses to follow example-config's import(name) of store
  // packages, which the Worker never reaches (it runs on memory: or d1:).
  modules: [{ type: "ESModule", path: scriptPath }],
  host,
  port,
  bindings,
  compatibilityDate: "2026-07-01",
  ...(d1Binding ? { d1Databases: [d1Binding], d1Persist: process.env.LATCH_D1_PERSIST || false } : {}),
  compatibilityFlags: process.env.LATCH_NODEJS_COMPAT === "1" ? ["nodejs_compat"] : [],
});
await miniflare.ready;
console.log(`listening on http://${host}:${port}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    void miniflare.dispose().finally(() => process.exit(0));
  });
}

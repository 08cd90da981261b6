// Server CPU per request of a few bench servers under the same HTTP load, alternated in rounds,
// medians: a tool for optimising, steadier than one pnpm bench run on a busy machine.
//   node --import tsx bench/src/tools/http-overhead.ts express-servers.ts bare,latch [rounds] [seconds] [path]
// [path] is "/protected" by default; "POST /login" measures session creation instead.
import { type LoadRequest, load, login, parseRequestTarget, pinLoadGenerator, setServerPinning, startServer } from "../http-load";
import { median } from "./median";

const [script = "express-servers.ts", kindList = "bare,latch", roundsArg = "6", secondsArg = "3", target = "/protected"] =
  process.argv.slice(2);
const { method, path } = parseRequestTarget(target);
const kinds = kindList.split(",");
setServerPinning(pinLoadGenerator().startsWith("load generator pinned"));

const servers = await Promise.all(kinds.map((kind) => startServer(script, kind)));
// Each Latch server has its own keys, so its own session; the others get a Latch cookie too, so
// that every server parses requests of the same size.
const cookies = new Map<string, string>();
for (const server of servers) if (server.kind.startsWith("latch")) cookies.set(server.kind, (await login(server.url)).cookie);
const anyCookie = [...cookies.values()][0] ?? "";
const requestFor = (kind: string): LoadRequest => ({ method, path, headers: { cookie: cookies.get(kind) ?? anyCookie } });
const cpu = new Map<string, number[]>(kinds.map((k) => [k, []]));
try {
  for (const server of servers) await load(server, requestFor(server.kind), 1, 50); // warm-up
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
      const result = await load(server, requestFor(server.kind), Number(secondsArg), 50);
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${server.kind}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      cpu.get(server.kind)?.push(result.serverCpuMicrosPerRequest);
    }
  }
} finally {
  for (const server of servers) await server.stop();
}
const first = median(cpu.get(kinds[0] as string) ?? []);
for (const [kind, list] of cpu) {
  const m = median(list);
  console.log(
    `${kind}: ${m.toFixed(1)} µs/req (runs ${list.map((v) => v.toFixed(0)).join(" ")}), ${m - first >= 0 ? "+" : ""}${(m - first).toFixed(1)} µs over ${kinds[0]}`,
  );
}

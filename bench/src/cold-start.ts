import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const benchDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * Each Latch adapter (which loads @latch/core with it) and supertokens-node's entry for the same
 * framework. Neither loads the framework itself. supertokens-node has no NestJS entry: its NestJS
 * guide uses the Express one.
 */
export const ADAPTER_PAIRS: ReadonlyArray<{ latch: string; supertokens: string; framework?: string[] }> = [
  { latch: "@latch/express", supertokens: "supertokens-node/framework/express" },
  { latch: "@latch/fastify", supertokens: "supertokens-node/framework/fastify" },
  { latch: "@latch/hapi", supertokens: "supertokens-node/framework/hapi" },
  { latch: "@latch/koa", supertokens: "supertokens-node/framework/koa" },
  {
    latch: "@latch/loopback",
    supertokens: "supertokens-node/framework/loopback",
    framework: ["@loopback/core", "@loopback/rest", "@loopback/authentication"],
  },
  { latch: "@latch/nestjs", supertokens: "supertokens-node/framework/express", framework: ["@nestjs/common", "@nestjs/core"] },
  { latch: "@latch/nextjs", supertokens: "supertokens-node/nextjs" },
  { latch: "@latch/aws-lambda", supertokens: "supertokens-node/framework/awsLambda" },
];

/**
 * Median time (ms) to import a module in a fresh Node process, measured inside the process. With
 * `preload`, those modules (the framework, resolved from the adapter's own package) are imported
 * first and not timed: what the adapter adds to an app that has its framework loaded anyway.
 */
export function coldImportMs(specifier: string, runs: number, preload: string[] = []): number {
  const load = preload.map((name) => `await import(__resolve(${JSON.stringify(name)}));`).join("");
  const code = `${preload.length > 0 ? `import{createRequire as __cr}from"node:module";import{pathToFileURL as __url}from"node:url";const __r=__cr(import.meta.resolve(${JSON.stringify(specifier)}));const __resolve=(n)=>__url(__r.resolve(n)).href;${load}` : ""}const t=performance.now();await import(${JSON.stringify(specifier)});console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: benchDir, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`import ${specifier} failed: ${result.stderr}`);
    times.push(Number(result.stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** Key of the "framework already loaded" figure of an adapter in `coldImports`' result. */
export const withFramework = (adapter: string) => `${adapter} (framework loaded)`;

/** Both sides of each pair, alternated run by run so that a busy moment of the machine hits both. */
export function coldImports(runs: number): Map<string, number> {
  const specifiers = [...new Set(ADAPTER_PAIRS.flatMap((pair) => [pair.latch, pair.supertokens]))];
  const preloaded = ADAPTER_PAIRS.filter((pair) => pair.framework);
  const samples = new Map<string, number[]>([...specifiers, ...preloaded.map((p) => withFramework(p.latch))].map((s) => [s, []]));
  for (let i = 0; i < runs; i++) {
    for (const specifier of specifiers) samples.get(specifier)?.push(coldImportMs(specifier, 1));
    for (const pair of preloaded) samples.get(withFramework(pair.latch))?.push(coldImportMs(pair.latch, 1, pair.framework));
  }
  return new Map(
    [...samples].map(([specifier, times]) => {
      times.sort((a, b) => a - b);
      return [specifier, times[Math.floor(times.length / 2)] ?? Number.NaN];
    }),
  );
}

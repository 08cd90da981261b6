import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const benchDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * Each Latch adapter (which loads @latch/core with it) and supertokens-node's entry for the same
 * framework. Neither loads the framework itself. supertokens-node has no NestJS entry: its NestJS
 * guide uses the Express one.
 */
export const ADAPTER_PAIRS: ReadonlyArray<{ latch: string; supertokens: string }> = [
  { latch: "@latch/express", supertokens: "supertokens-node/framework/express" },
  { latch: "@latch/fastify", supertokens: "supertokens-node/framework/fastify" },
  { latch: "@latch/hapi", supertokens: "supertokens-node/framework/hapi" },
  { latch: "@latch/koa", supertokens: "supertokens-node/framework/koa" },
  { latch: "@latch/loopback", supertokens: "supertokens-node/framework/loopback" },
  { latch: "@latch/nestjs", supertokens: "supertokens-node/framework/express" },
  { latch: "@latch/nextjs", supertokens: "supertokens-node/nextjs" },
  { latch: "@latch/aws-lambda", supertokens: "supertokens-node/framework/awsLambda" },
];

/** Median time (ms) to import a module in a fresh Node process, measured inside the process. */
export function coldImportMs(specifier: string, runs: number): number {
  const code = `const t=performance.now();await import(${JSON.stringify(specifier)});console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: benchDir, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`import ${specifier} failed: ${result.stderr}`);
    times.push(Number(result.stdout.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** Both sides of each pair, alternated run by run so that a busy moment of the machine hits both. */
export function coldImports(runs: number): Map<string, number> {
  const specifiers = [...new Set(ADAPTER_PAIRS.flatMap((pair) => [pair.latch, pair.supertokens]))];
  const samples = new Map<string, number[]>(specifiers.map((s) => [s, []]));
  for (let i = 0; i < runs; i++) for (const specifier of specifiers) samples.get(specifier)?.push(coldImportMs(specifier, 1));
  return new Map(
    [...samples].map(([specifier, times]) => {
      times.sort((a, b) => a - b);
      return [specifier, times[Math.floor(times.length / 2)] ?? Number.NaN];
    }),
  );
}

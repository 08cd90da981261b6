import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const workspace = resolve(import.meta.dirname, "../..");

/** The READMEs whose code blocks a consumer test runs: the root one and every package's. */
function readmes(): string[] {
  return [
    join(workspace, "README.md"),
    ...readdirSync(join(workspace, "packages")).map((dir) => join(workspace, "packages", dir, "README.md")),
  ];
}

/**
 * The code block right after `<!-- consumer-test: <app>/<file> -->` in any README, exactly as a
 * user copies it: the consumer apps are made of these blocks, so a README that stops working
 * fails a test.
 */
export function readmeSnippet(target: string): string {
  for (const file of readmes()) {
    const text = readFileSync(file, "utf8");
    const marker = `<!-- consumer-test: ${target} -->\n`;
    const at = text.indexOf(marker);
    if (at === -1) continue;
    const block = text.slice(at + marker.length).match(/^```\w*\n([\s\S]*?)\n```/);
    if (!block?.[1]) throw new Error(`${file}: no code block right after ${marker.trim()}`);
    return `${block[1]}\n`;
  }
  throw new Error(`no README has <!-- consumer-test: ${target} -->`);
}

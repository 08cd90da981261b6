// The core README's examples, run as written (extracted from the README at test time).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

function readmeBlock(name: string): string {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
  const marker = `<!-- readme-test: ${name} -->\n`;
  const at = readme.indexOf(marker);
  const block = at === -1 ? undefined : readme.slice(at + marker.length).match(/^```ts\n([\s\S]*?)\n```/)?.[1];
  if (!block) throw new Error(`README.md has no code block after ${marker.trim()}`);
  return block;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("core README", () => {
  it("the Claims example runs and logs that the admin check failed", async () => {
    const dir = join(import.meta.dirname, ".generated");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "readme-claims.ts");
    writeFileSync(file, `${readmeBlock("claims")}\nexport {};\n`);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await import(file);
    expect(log.mock.calls).toEqual([[true]]);
  }, 60_000); // a signing key is generated: seconds on a busy machine
});

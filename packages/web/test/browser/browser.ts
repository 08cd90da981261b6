import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import type { CallResult, Harness } from "./pages/harness";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export type ClientName = "latch" | "supertokens";
export type TransferMode = "cookie" | "header";

/**
 * Whether the browser suites can run. In CI a missing Chromium fails the run (.ci/run installs it);
 * elsewhere the suites are skipped, loudly.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM_PATH} is missing: CI must install it (apt-get install -y chromium, see .ci/run)`);
  console.warn(`\n*** SKIPPING the browser tests of @latch/web: ${CHROMIUM_PATH} is missing (apt-get install -y chromium) ***\n`);
  return false;
}

/** Debian's Chromium, headless, with the flags this machine needs; Playwright gives it a fresh profile dir. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

let bundles: Promise<Map<string, string>> | undefined;

/** The two test pages' scripts, bundled once per process with esbuild. */
function pageBundles(): Promise<Map<string, string>> {
  bundles ??= (async () => {
    const result = await build({
      entryPoints: { latch: "pages/latch.ts", supertokens: "pages/supertokens.ts" },
      absWorkingDir: fileURLToPath(new URL(".", import.meta.url)),
      bundle: true,
      format: "esm",
      target: "es2022",
      outdir: "out",
      write: false,
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "warning",
    });
    return new Map(result.outputFiles.map((file) => [file.path.replace(/^.*\//, ""), file.text]));
  })();
  return bundles;
}

/**
 * A browser context whose `<app>/__harness/*` URLs serve the test pages, so each page is same-origin
 * with the example app (its cookies, its API) without the app knowing about tests.
 */
export async function newHarnessContext(browser: Browser, baseUrl: string): Promise<BrowserContext> {
  const scripts = await pageBundles();
  const context = await browser.newContext();
  await context.route(`${baseUrl}/__harness/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.replace("/__harness/", "");
    if (name.endsWith(".html")) {
      const script = name.replace(/\.html$/, ".js");
      const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/__harness/${script}"></script></head><body>${name}</body></html>`;
      await route.fulfill({ status: 200, contentType: "text/html", body: html });
      return;
    }
    const script = scripts.get(name);
    if (script === undefined) await route.fulfill({ status: 404, body: "no such test page" });
    else await route.fulfill({ status: 200, contentType: "text/javascript", body: script });
  });
  return context;
}

/** A tab with one client's test page, driven through `window.harness`. */
export class HarnessTab {
  private constructor(readonly page: Page) {}

  static async open(context: BrowserContext, baseUrl: string, client: ClientName, mode: TransferMode): Promise<HarnessTab> {
    const page = await context.newPage();
    const tab = new HarnessTab(page);
    page.on("pageerror", (error) => tab.pageErrors.push(error.message));
    await page.goto(`${baseUrl}/__harness/${client}.html?mode=${mode}`);
    await tab.ready();
    return tab;
  }

  readonly pageErrors: string[] = [];

  async ready(): Promise<void> {
    await this.page.waitForFunction(() => window.harness !== undefined);
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.ready();
  }

  login(userId: string): Promise<CallResult> {
    return this.invoke("login", userId);
  }

  call(path: string, method = "GET", jsonBody?: unknown): Promise<CallResult> {
    return this.invoke("call", path, method, jsonBody);
  }

  doesSessionExist(): Promise<boolean> {
    return this.invoke("doesSessionExist");
  }

  getUserId(): Promise<string | undefined> {
    return this.invoke("getUserId");
  }

  signOut(): Promise<void> {
    return this.invoke("signOut");
  }

  endedEvents(): Promise<string[]> {
    return this.invoke("endedEvents");
  }

  /** Calls `window.harness[name](...args)` in the page (the callback is serialised: it sees only the page). */
  private invoke<T>(name: keyof Harness, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(
      ([method, list]) => {
        const target = (window as unknown as { harness?: Record<string, (...values: unknown[]) => unknown> }).harness;
        if (!target) throw new Error("the test page has not set window.harness");
        return target[method]?.(...list);
      },
      [name, args] as const,
    ) as Promise<T>;
  }
}

// The demo page (apps/demo, served by the Express example) driven as a person would: clicks only.
// It runs on @latch/web, so this is also @latch/web inside a real app. Screenshots: test-results/web/.
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RunningApp } from "@latch/testing/adapter";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExpressExample, waitUntilPast } from "../example-app";
import { chromiumAvailable, launchChromium } from "./browser";

const demoIndex = fileURLToPath(new URL("../../../../apps/demo/dist/index.html", import.meta.url));
const screenshots = fileURLToPath(new URL("../../../../test-results/web/", import.meta.url));

describe.skipIf(!chromiumAvailable())("demo page", () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(demoIndex)) throw new Error("apps/demo is not built: pnpm turbo run build --filter=@latch/example-express...");
    mkdirSync(screenshots, { recursive: true });
    [app, browser] = await Promise.all([startExpressExample({ LATCH_ACCESS_TOKEN_VALIDITY: "2" }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function openDemo(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/`);
    return page;
  }

  async function signIn(page: Page, userId: string): Promise<void> {
    await page.locator("#user-id").fill(userId);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#signed-in").waitFor({ state: "visible" });
    expect(await page.locator("#user").textContent()).toBe(userId);
  }

  async function accessTokenExpiry(page: Page): Promise<number> {
    const payload = JSON.parse((await page.locator("#payload").textContent()) ?? "{}") as { exp: number };
    return payload.exp * 1000;
  }

  const lastLog = (page: Page) => page.locator("#log li").first();

  it("signs in, calls, refreshes by itself, lists devices, revokes one, signs out other devices, signs out everywhere", async () => {
    const userId = `demo-user-${Date.now()}`;
    const laptop = await openDemo();
    await laptop.locator("#signed-out").waitFor({ state: "visible" });
    await laptop.screenshot({ path: `${screenshots}demo-signed-out.png` });
    await signIn(laptop, userId);
    await expect.poll(() => laptop.locator("#sessions li").count()).toBe(1);
    expect(await laptop.locator("#sessions .badge").textContent()).toBe("this device");
    // Chromium's User-Agent named, the address the example saw, and when it signed in.
    expect(await laptop.locator("#sessions .device-name").textContent()).toBe("Chrome on Linux");
    expect(await laptop.locator("#sessions .device-details").textContent()).toMatch(/^127\.0\.0\.1 · signed in .+ · last active .+/);

    await laptop.getByRole("button", { name: "Protected call (GET /me)" }).click();
    await expect.poll(() => lastLog(laptop).textContent()).toContain("GET /me → 200");

    // Let the access token expire: the page says so, and the next call refreshes silently.
    const firstExpiry = await accessTokenExpiry(laptop);
    await waitUntilPast(firstExpiry);
    await expect.poll(() => laptop.locator("#expiry").textContent()).toContain("expired");
    await laptop.getByRole("button", { name: "Protected call (GET /me)" }).click();
    await expect.poll(() => lastLog(laptop).textContent()).toContain("GET /me → 200");
    await expect.poll(() => accessTokenExpiry(laptop)).toBeGreaterThan(firstExpiry);

    // A second browser signs in as the same user: two sessions, the laptop revokes the other one.
    const phone = await openDemo();
    await signIn(phone, userId);
    await laptop.getByRole("button", { name: "Reload" }).click();
    await expect.poll(() => laptop.locator("#sessions li").count()).toBe(2);
    await laptop.screenshot({ path: `${screenshots}demo-signed-in.png`, fullPage: true });
    await laptop
      .locator("#sessions li", { hasNot: laptop.locator(".badge") })
      .getByRole("button", { name: "Revoke" })
      .click();
    await expect.poll(() => laptop.locator("#sessions li").count()).toBe(1);

    // Two more devices, then "sign out all other devices": only this one is left.
    for (const other of [await openDemo(), await openDemo()]) await signIn(other, userId);
    await laptop.getByRole("button", { name: "Reload" }).click();
    await expect.poll(() => laptop.locator("#sessions li").count()).toBe(3);
    await laptop.getByRole("button", { name: "Sign out all other devices" }).click();
    await expect.poll(() => laptop.locator("#log").textContent()).toContain('/me/revoke-others → 200 {"revoked":2}');
    await expect.poll(() => laptop.locator("#sessions li").count()).toBe(1);
    expect(await laptop.locator("#sessions .badge").textContent()).toBe("this device");

    // The phone finds out on its first call after its access token expired: its refresh is refused.
    await waitUntilPast(await accessTokenExpiry(phone));
    await phone.getByRole("button", { name: "Protected call (GET /me)" }).click();
    await phone.locator("#signed-out").waitFor({ state: "visible" });
    expect(await phone.locator("#log").textContent()).toContain("session ended (unauthorised)");

    // Sign out everywhere: the laptop is signed out at once, and its session is gone on the server.
    await laptop.getByRole("button", { name: "Sign out everywhere" }).click();
    await laptop.locator("#signed-out").waitFor({ state: "visible" });
    expect(await laptop.locator("#log").textContent()).toContain('/me/revoke-all → 200 {"revoked":1}');
    await laptop.screenshot({ path: `${screenshots}demo-after-sign-out-everywhere.png`, fullPage: true });
    // Four browsers and two waits for a 2 s token: more than the file's 30 s on a busy machine.
  }, 120_000);
});

// The browser scenarios every client must pass, in real Chromium against the real Express example:
// one list, parameterised by client (the spirit of @latch/testing's conformance suites).
import type { RunningApp } from "@latch/testing/adapter";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExpressExample, waitUntilPast } from "../example-app";
import { type ClientName, chromiumAvailable, HarnessTab, launchChromium, newHarnessContext, type TransferMode } from "./browser";

/** What the server answered, per context: refresh calls and error bodies. */
class ResponseLog {
  readonly entries: { path: string; status: number; body: string }[] = [];
  readonly #pending: Promise<void>[] = [];

  constructor(context: BrowserContext) {
    context.on("response", (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith("/__harness/")) return;
      this.#pending.push(
        response.text().then(
          (body) => void this.entries.push({ path, status: response.status(), body }),
          () => void this.entries.push({ path, status: response.status(), body: "" }),
        ),
      );
    });
  }

  async refreshes(): Promise<{ status: number; body: string }[]> {
    await Promise.all(this.#pending);
    return this.entries.filter((entry) => entry.path === "/auth/session/refresh");
  }

  async theftReports(): Promise<number> {
    await Promise.all(this.#pending);
    return this.entries.filter((entry) => entry.body.includes("token theft detected")).length;
  }
}

interface Me {
  userId: string;
  sessionHandle: string;
  accessTokenPayload: { exp: number };
}

let userCounter = 0;
const newUser = (client: ClientName, mode: TransferMode) => `${client}-${mode}-${++userCounter}-${Date.now()}`;

export function runBrowserScenarios(client: ClientName): void {
  describe.skipIf(!chromiumAvailable())(`browser scenarios: ${client}`, () => {
    let app: RunningApp;
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      // VIA_TOKEN: the strictest anti-CSRF mode, so cookie mode also proves the anti-csrf token is kept.
      [app, browser] = await Promise.all([
        startExpressExample({ LATCH_ACCESS_TOKEN_VALIDITY: "2", LATCH_ANTI_CSRF: "VIA_TOKEN" }),
        launchChromium(),
      ]);
    });
    afterAll(async () => {
      await browser?.close();
      await app?.close();
    });

    async function newContext(): Promise<{ context: BrowserContext; log: ResponseLog }> {
      const context = await newHarnessContext(browser, app.baseUrl);
      contexts.push(context);
      return { context, log: new ResponseLog(context) };
    }

    describe.each(["cookie", "header"] as const)("%s mode", (mode) => {
      const open = (context: BrowserContext) => HarnessTab.open(context, app.baseUrl, client, mode);

      /** GET /me through the client: the session as the server sees it (its access token's own exp). */
      async function me(tab: HarnessTab): Promise<Me> {
        const result = await tab.call("/me");
        expect(result.status, JSON.stringify(result.body)).toBe(200);
        return result.body as Me;
      }

      async function loggedIn(tab: HarnessTab, userId: string): Promise<Me> {
        const login = await tab.login(userId);
        expect(login.status, JSON.stringify(login.body)).toBe(200);
        return me(tab);
      }

      it("logs in and makes a protected call", async () => {
        const { context } = await newContext();
        const tab = await open(context);
        expect(await tab.doesSessionExist()).toBe(false);
        expect((await tab.call("/me")).status).toBe(401);
        const userId = newUser(client, mode);
        const session = await loggedIn(tab, userId);
        expect(session.userId).toBe(userId);
        expect(await tab.doesSessionExist()).toBe(true);
        expect(await tab.getUserId()).toBe(userId);
        // A non-GET protected call: the anti-CSRF token (cookie mode) or the Bearer token (header mode) goes along.
        expect((await tab.call("/me/data", "PUT", { sessionData: { step: 1 } })).status).toBe(200);
        expect(tab.pageErrors).toEqual([]);
      });

      it("keeps the session across a reload", async () => {
        const { context } = await newContext();
        const tab = await open(context);
        const userId = newUser(client, mode);
        const before = await loggedIn(tab, userId);
        await tab.reload();
        expect(await tab.doesSessionExist()).toBe(true);
        expect(await tab.getUserId()).toBe(userId);
        expect((await me(tab)).sessionHandle).toBe(before.sessionHandle);
      });

      it("refreshes an expired access token by itself and the call succeeds", async () => {
        const { context, log } = await newContext();
        const tab = await open(context);
        const before = await loggedIn(tab, newUser(client, mode));
        await waitUntilPast(before.accessTokenPayload.exp * 1000);
        const refreshesBefore = (await log.refreshes()).filter((entry) => entry.status === 200).length;

        const after = await me(tab);
        expect(after.sessionHandle).toBe(before.sessionHandle);
        expect(after.accessTokenPayload.exp).toBeGreaterThan(before.accessTokenPayload.exp);
        expect((await log.refreshes()).filter((entry) => entry.status === 200).length).toBeGreaterThan(refreshesBefore);
        // The refreshed anti-CSRF token (cookie mode) is what the next non-GET call sends.
        expect((await tab.call("/me/data", "PUT", { sessionData: { step: 2 } })).status).toBe(200);
      });

      it("two tabs refreshing at the same moment both stay logged in", async () => {
        const { context, log } = await newContext();
        const first = await open(context);
        const before = await loggedIn(first, newUser(client, mode));
        const second = await open(context);
        expect(await second.doesSessionExist()).toBe(true);
        // The token as of the last call (opening the tab may have refreshed it already).
        const current = await me(second);
        await waitUntilPast(current.accessTokenPayload.exp * 1000);
        // (The SuperTokens SDK calls refresh once before its first request, answered 401: skip those.)
        const earlierRefreshes = (await log.refreshes()).length;

        const [a, b] = await Promise.all([first.call("/me"), second.call("/me")]);
        expect([a.status, b.status], JSON.stringify([a.body, b.body, log.entries.slice(-8)])).toEqual([200, 200]);
        // Still the same session in both, and still alive: no theft was detected.
        const [afterA, afterB] = await Promise.all([me(first), me(second)]);
        expect([afterA.sessionHandle, afterB.sessionHandle]).toEqual([before.sessionHandle, before.sessionHandle]);
        expect(await log.theftReports()).toBe(0);
        const refreshes = (await log.refreshes()).slice(earlierRefreshes);
        expect(refreshes.length).toBeGreaterThan(0);
        expect(refreshes.map((entry) => entry.status)).toEqual(refreshes.map(() => 200));
        // @latch/web promises one refresh across tabs (Web Locks); the SDK's own lock is its business.
        if (client === "latch") expect(refreshes).toHaveLength(1);
      });

      it("a sign-out in one tab ends the session in the other on its next call", async () => {
        const { context } = await newContext();
        const first = await open(context);
        await loggedIn(first, newUser(client, mode));
        const second = await open(context);
        expect((await me(second)).userId).toBe(await first.getUserId());

        await first.signOut();
        expect(await first.doesSessionExist()).toBe(false);
        expect((await second.call("/me")).status).toBe(401);
        expect(await second.doesSessionExist()).toBe(false);
        expect((await second.endedEvents()).length).toBeGreaterThan(0);
      });

      it("sign-out everywhere from a second browser ends the first browser's session", async () => {
        const { context: laptop } = await newContext();
        const { context: phone } = await newContext();
        const userId = newUser(client, mode);
        const onLaptop = await open(laptop);
        const laptopSession = await loggedIn(onLaptop, userId);
        const onPhone = await open(phone);
        await loggedIn(onPhone, userId);
        const listed = await onPhone.call("/me/sessions");
        expect((listed.body as { sessionHandles: string[] }).sessionHandles).toHaveLength(2);

        const revoked = await onPhone.call("/me/revoke-all", "POST");
        expect(revoked.body).toEqual({ revoked: 2 });
        // Verification is stateless: the laptop's access token works until it expires; its refresh then fails.
        await waitUntilPast(laptopSession.accessTokenPayload.exp * 1000);
        expect((await onLaptop.call("/me")).status).toBe(401);
        expect(await onLaptop.doesSessionExist()).toBe(false);
        expect(await onLaptop.getUserId()).toBeUndefined();
        expect((await onLaptop.endedEvents()).length).toBeGreaterThan(0);
      });
    });

    afterAll(async () => {
      await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
    });
  });
}

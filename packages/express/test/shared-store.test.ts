import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, HttpClient, type RunningApp } from "@latch/testing/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExpressExample } from "./example-app";
import { networkedStores, storeOfItsOwn, storeTestsRun } from "./networked-stores";

// Issue 6: several app servers on one store sign and verify each other's tokens, because the
// signing keys live in the store. Two Express example processes, started at the same moment on
// one store (so on a fresh store both race to create the first key), behind one API domain as
// a load balancer would put them.

const sqliteFile = join(tmpdir(), `latch-shared-${randomUUID()}.db`);
const stores = [{ name: "sqlite (one file, two processes)", url: `sqlite:${sqliteFile}`, port: 0 }, ...networkedStores];

afterAll(() => {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(sqliteFile + suffix, { force: true });
});

interface HeaderTokens {
  accessToken: string;
  refreshToken: string;
}

function tokensOf(client: HttpClient): HeaderTokens {
  if (!client.accessToken || !client.refreshToken) throw new Error("no tokens in the response headers");
  return { accessToken: client.accessToken, refreshToken: client.refreshToken };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

for (const store of stores) {
  const runs = store.port === 0 || (await storeTestsRun(store, "the two-servers test"));
  describe.skipIf(!runs)(`two servers on one store: ${store.name}`, () => {
    let first: RunningApp;
    let second: RunningApp;
    let release: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const own = await storeOfItsOwn(store.url);
      release = own.release;
      const [firstPort, secondPort] = [await freePort(), await freePort()];
      const apiDomain = `http://127.0.0.1:${firstPort}`;
      const env = (port: number) => ({ LATCH_STORE: own.url, PORT: String(port), LATCH_API_DOMAIN: apiDomain });
      [first, second] = await Promise.all([startExpressExample(env(firstPort)), startExpressExample(env(secondPort))]);
    }, 60_000);

    afterAll(async () => {
      await Promise.all([first?.close(), second?.close()]);
      await release?.();
    });

    it("a token from one is verified by the other, refreshed there, and works on the first again", async () => {
      const userId = `user-${randomUUID()}`;
      const onFirst = new HttpClient(first.baseUrl);
      const login = await onFirst.post("/login", { json: { userId }, headers: { "st-auth-mode": "header" } });
      expect(login.status, login.text).toBe(200);
      const issued = tokensOf(onFirst);

      const onSecond = new HttpClient(second.baseUrl);
      const me = await onSecond.get("/me", { headers: bearer(issued.accessToken) });
      expect(me.status, `${me.text}\n${second.output()}`).toBe(200);
      expect((me.body as { userId: string }).userId).toBe(userId);

      // Both servers publish the key that signed it.
      const { kid } = JSON.parse(Buffer.from(issued.accessToken.split(".")[0] ?? "", "base64url").toString()) as { kid: string };
      for (const app of [first, second]) {
        const jwks = (await new HttpClient(app.baseUrl).get("/auth/jwt/jwks.json")).body as { keys: Array<{ kid: string }> };
        expect(jwks.keys.map((key) => key.kid)).toContain(kid);
      }

      const refreshed = await onSecond.post("/auth/session/refresh", { headers: bearer(issued.refreshToken) });
      expect(refreshed.status, refreshed.text).toBe(200);
      const rotated = tokensOf(onSecond);
      expect(rotated.refreshToken).not.toBe(issued.refreshToken);

      const back = await onFirst.get("/me", { headers: bearer(rotated.accessToken) });
      expect(back.status, back.text).toBe(200);
      expect((back.body as { userId: string }).userId).toBe(userId);
    });

    it("each signs its own logins with keys the other accepts, and a signout on one ends the session on the other", async () => {
      for (const [signer, verifier] of [
        [first, second],
        [second, first],
      ] as const) {
        const client = new HttpClient(signer.baseUrl);
        const login = await client.post("/login", { json: { userId: `user-${randomUUID()}` }, headers: { "st-auth-mode": "header" } });
        expect(login.status, login.text).toBe(200);
        const { accessToken } = tokensOf(client);
        const elsewhere = new HttpClient(verifier.baseUrl);
        expect((await elsewhere.get("/me/data", { headers: bearer(accessToken) })).status).toBe(200);

        const signout = await client.post("/auth/signout", { headers: bearer(accessToken) });
        expect(signout.status, signout.text).toBe(200);
        // The database read on the other server sees the revocation.
        const after = await elsewhere.get("/me/data", { headers: bearer(accessToken) });
        expect(after.status).toBe(401);
        expect(after.text).toBe('{"message":"unauthorised"}');
      }
    });
  });
}

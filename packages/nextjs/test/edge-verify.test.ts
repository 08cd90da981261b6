import { Latch, MemoryStore } from "@latch/core";
import { WebRequest, WebResponse } from "@latch/core/web";
import { describe, expect, it } from "vitest";
import { accessTokenOf, sessionErrorResponse, verifySession } from "../src/edge";

// verifySession of @latch/nextjs/edge against tokens a real Latch issued, with its JWKS passed in.
describe("verifySession (edge) with a local JWKS", () => {
  async function issue() {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" } });
    const request = new WebRequest(new Request("http://127.0.0.1:3000/login", { method: "POST" }));
    const response = new WebResponse();
    await latch.createNewSession(request, response, "public", "user-1", { role: "admin" });
    const cookie = response.setCookies.find((value) => value.startsWith("sAccessToken="))?.split(";")[0] as string;
    return { latch, cookie, jwks: await latch.getJWKS() };
  }

  it("returns the session of a valid cookie, payload included", async () => {
    const { cookie, jwks } = await issue();
    const result = await verifySession(new Request("http://x/", { headers: { cookie } }), { jwks, issuer: "http://127.0.0.1:3000/auth" });
    expect(result.status).toBe("OK");
    if (result.status !== "OK") return;
    expect(result.userId).toBe("user-1");
    expect(result.tenantId).toBe("public");
    expect(result.accessTokenPayload.role).toBe("admin");
  });

  it("a wrong issuer or an unknown key set is refused", async () => {
    const { cookie, jwks } = await issue();
    const other = await issue();
    const request = new Request("http://x/", { headers: { cookie } });
    expect((await verifySession(request, { jwks, issuer: "https://elsewhere/auth" })).status).toBe("NO_SESSION");
    expect((await verifySession(request, { jwks: other.jwks })).status).toBe("TRY_REFRESH");
  });

  it("two sAccessToken cookies ask for a refresh; none is no session", async () => {
    const { cookie, jwks } = await issue();
    expect(accessTokenOf(new Request("http://x/", { headers: { cookie: `${cookie}; ${cookie}` } }))).toBe("AMBIGUOUS");
    expect((await verifySession(new Request("http://x/", { headers: { cookie: `${cookie}; ${cookie}` } }), { jwks })).status).toBe(
      "TRY_REFRESH",
    );
    const none = await verifySession(new Request("http://x/"), { jwks });
    expect(none.status).toBe("NO_SESSION");
    if (none.status !== "OK") expect(await sessionErrorResponse(none).text()).toBe('{"message":"unauthorised"}');
  });

  it("a Latch Bearer token wins over the cookie; another Bearer token is ignored", async () => {
    const first = await issue();
    const bearer = first.cookie.slice("sAccessToken=".length);
    expect(
      accessTokenOf(new Request("http://x/", { headers: { authorization: `Bearer ${bearer}`, cookie: "sAccessToken=other" } })),
    ).toEqual({ token: bearer });
    expect(accessTokenOf(new Request("http://x/", { headers: { authorization: "Bearer github-token", cookie: first.cookie } }))).toEqual({
      token: bearer,
    });
  });
});

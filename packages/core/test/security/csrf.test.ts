// OWASP ASVS v4 4.2.2 (CSRF defence) and 3.4.3 (SameSite): every anti-CSRF mode against every
// method, with the token missing, wrong and replayed. The HTTP conformance groups cover the routes
// the example apps have; this covers the methods they do not (DELETE, HEAD, OPTIONS).
import { describe, expect, it } from "vitest";
import { type HttpMethod, Latch, MemoryStore, TryRefreshTokenError } from "../../src/index";
import { RecordingRequest, RecordingResponse } from "../support/recording-http";

const UNSAFE: HttpMethod[] = ["POST", "PUT", "PATCH", "DELETE"];
const SAFE: HttpMethod[] = ["GET", "HEAD", "OPTIONS"];
type Headers = Record<string, string>;

async function setup(antiCsrf: "NONE" | "VIA_CUSTOM_HEADER" | "VIA_TOKEN") {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "https://api.example.com" }, antiCsrf, jwtAlgorithm: "EdDSA" });
  const first = await latch.createNewSessionWithoutRequestResponse("public", "u");
  const firstTokens = first.getAllSessionTokensDangerously();
  const current = (
    await latch.refreshSessionWithoutRequestResponse(firstTokens.refreshToken ?? "", firstTokens.antiCsrfToken)
  ).getAllSessionTokensDangerously();
  const verify = (method: HttpMethod, headers: Record<string, string> = {}, bearer = false) =>
    latch.getSession(
      new RecordingRequest(method, {
        ...(bearer ? { authorization: `Bearer ${current.accessToken}` } : { cookie: `sAccessToken=${current.accessToken}` }),
        ...headers,
      }),
      new RecordingResponse(),
    );
  return { verify, current, replayed: firstTokens.antiCsrfToken };
}

describe("anti-CSRF, every mode and method", () => {
  it("VIA_TOKEN: unsafe methods need the current token (missing, wrong, replayed refused); safe ones and Bearer do not", async () => {
    const { verify, current, replayed } = await setup("VIA_TOKEN");
    expect(current.antiCsrfToken && replayed && current.antiCsrfToken !== replayed).toBe(true);
    for (const method of UNSAFE) {
      for (const headers of [
        {},
        { "anti-csrf": "wrong" },
        { "anti-csrf": replayed ?? "" },
        { "anti-csrf": "" },
        { rid: "anti-csrf" },
      ] as Headers[]) {
        await expect(verify(method, headers), `${method} ${JSON.stringify(headers)}`).rejects.toThrow(TryRefreshTokenError);
      }
      await expect(verify(method, { "anti-csrf": current.antiCsrfToken ?? "" })).resolves.toBeTruthy();
      await expect(verify(method, {}, true), `${method} with a Bearer token`).resolves.toBeTruthy();
    }
    for (const method of SAFE) await expect(verify(method)).resolves.toBeTruthy();
  });

  it("VIA_CUSTOM_HEADER: unsafe methods need rid (anti-csrf is no substitute); safe ones and Bearer do not", async () => {
    const { verify } = await setup("VIA_CUSTOM_HEADER");
    for (const method of UNSAFE) {
      for (const headers of [{}, { "anti-csrf": "x" }] as Headers[]) {
        await expect(verify(method, headers), `${method} ${JSON.stringify(headers)}`).rejects.toThrow(TryRefreshTokenError);
      }
      await expect(verify(method, { rid: "session" })).resolves.toBeTruthy();
      await expect(verify(method, {}, true)).resolves.toBeTruthy();
    }
    for (const method of SAFE) await expect(verify(method)).resolves.toBeTruthy();
  });

  it("NONE: nothing is checked (SameSite is the defence), whatever is sent", async () => {
    const { verify } = await setup("NONE");
    for (const method of [...UNSAFE, ...SAFE]) {
      for (const headers of [{}, { "anti-csrf": "wrong" }] as Headers[]) await expect(verify(method, headers)).resolves.toBeTruthy();
    }
  });

  it("refresh in VIA_TOKEN mode refuses a wrong, replayed or empty token", async () => {
    const latch = new Latch({
      store: new MemoryStore(),
      appInfo: { apiDomain: "https://api.example.com" },
      antiCsrf: "VIA_TOKEN",
      jwtAlgorithm: "EdDSA",
    });
    const session = await latch.createNewSessionWithoutRequestResponse("public", "u");
    const { refreshToken = "", antiCsrfToken = "" } = session.getAllSessionTokensDangerously();
    const next = (await latch.refreshSessionWithoutRequestResponse(refreshToken, antiCsrfToken)).getAllSessionTokensDangerously();
    for (const token of ["wrong", antiCsrfToken, ""]) {
      await expect(latch.refreshSessionWithoutRequestResponse(next.refreshToken ?? "", token)).rejects.toMatchObject({
        code: "UNAUTHORISED",
      });
    }
    await expect(latch.refreshSessionWithoutRequestResponse(next.refreshToken ?? "", next.antiCsrfToken)).resolves.toBeTruthy();
  });
});

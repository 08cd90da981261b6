import { createServer, request as httpRequest, type Server } from "node:http";
import { freePort, runConformanceCases } from "@latch/testing/adapter";
import { expect, it } from "vitest";
import { startExpressExample } from "./example-app";

/**
 * The suite must catch a broken adapter. This one is the Express example behind a proxy that
 * drops Access-Control-Expose-Headers, as an adapter that forgot to append it would.
 */
async function startBrokenExample(env: Record<string, string>) {
  // The proxy takes the suite's port (kept across restarts); the app sits behind it and calls itself by the proxy's URL.
  const proxyPort = Number(env.PORT);
  // A second instance (the fleet-revocation group) is given the first one's API domain: kept, so both issue the same tokens.
  const apiDomain = env.LATCH_API_DOMAIN ?? `http://127.0.0.1:${proxyPort}`;
  const app = await startExpressExample({ ...env, PORT: String(await freePort()), LATCH_API_DOMAIN: apiDomain });
  const proxy: Server = createServer((req, res) => {
    const upstream = httpRequest(app.baseUrl + (req.url ?? "/"), { method: req.method, headers: req.headers }, (answer) => {
      const headers = { ...answer.headers };
      delete headers["access-control-expose-headers"];
      res.writeHead(answer.statusCode ?? 500, headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(proxyPort, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${proxyPort}`,
    port: proxyPort,
    output: app.output,
    close: async () => {
      await new Promise((resolve) => proxy.close(resolve));
      await app.close();
    },
  };
}

it("fails an adapter that drops Access-Control-Expose-Headers", async () => {
  const results = await runConformanceCases({ name: "broken express", start: startBrokenExample });
  const failed = results.filter((r) => r.error).map((r) => r.name);
  expect(failed).toContain("login sets sAccessToken, sRefreshToken and front-token as the protocol says");
  expect(failed).toContain("st-auth-mode: header gets tokens in headers, exposed to CORS, and no token cookies");
  expect(failed).toContain("signout revokes the session and clears the tokens");
  // Everything that does not look at that header still passes: the failures are the header's.
  for (const result of results.filter((r) => r.error)) {
    expect(result.error?.message).toMatch(/Access-Control-Expose-Headers|front-token/);
  }
}, 240_000);

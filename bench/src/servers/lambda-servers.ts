// The AWS Lambda servers of the adapter scenario, selected by argv[2]: a function handler invoked
// in process through a minimal API Gateway HTTP API (payload v2) shim over node:http, the same shim
// for both kinds, so only the handler differs: bare (returns the JSON body) and Latch
// (@latch/aws-lambda's middleware() around the login handler, verifySession() around the
// protected one; memory store). The shim builds one v2 event per request, as API Gateway does
// (cookies split out of the Cookie header), and writes the result back.
import { createServer, type IncomingMessage } from "node:http";
import { type ApiGatewayV2Event, type LambdaV2Result, middleware, verifySession } from "@latch/aws-lambda";
import { Latch, MemoryStore } from "@latch/core";

type Handler = (event: ApiGatewayV2Event, context: object) => Promise<unknown>;

const kind = process.argv[2] ?? "bare";
const port = Number(process.env.PORT ?? 4000);
const body = (value: object): LambdaV2Result => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(value),
});

function handlers(): Record<string, Handler> {
  switch (kind) {
    case "bare":
      return { "POST /login": async () => body({ ok: true }), "GET /protected": async () => body({ ok: true }) };
    case "latch": {
      const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` } });
      const login = middleware(
        async (event: ApiGatewayV2Event) => {
          await latch.createNewSession(event, event, "bench-user");
          return body({ ok: true });
        },
        { latch },
      );
      const protectedRoute = verifySession(async (event) => body({ ok: true, userId: event.session?.getUserId() }), { latch });
      return { "POST /login": login as Handler, "GET /protected": protectedRoute as Handler };
    }
    default:
      throw new Error(`unknown server ${kind}`);
  }
}

const routes = handlers();

async function toEvent(req: IncomingMessage, path: string): Promise<ApiGatewayV2Event> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === "cookie") cookies = (Array.isArray(value) ? value.join("; ") : value).split("; ");
    else headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const requestBody = chunks.length > 0 ? Buffer.concat(chunks).toString("base64") : undefined;
  const query = req.url?.indexOf("?") ?? -1;
  return {
    version: "2.0",
    rawPath: path,
    rawQueryString: query >= 0 ? (req.url?.slice(query + 1) ?? "") : "",
    headers,
    ...(cookies ? { cookies } : {}),
    ...(requestBody ? { body: requestBody, isBase64Encoded: true } : {}),
    requestContext: { http: { method: req.method ?? "GET", sourceIp: req.socket.remoteAddress ?? "" } },
  };
}

const server = createServer(async (req, res) => {
  const url = req.url ?? "/";
  const path = url.split("?", 1)[0] ?? "/";
  const handler = routes[`${req.method} ${path}`] ?? (path.startsWith("/auth/") ? routes["POST /login"] : undefined);
  if (!handler) {
    res.statusCode = 404;
    res.end();
    return;
  }
  try {
    const result = (await handler(await toEvent(req, path), {})) as LambdaV2Result;
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
    if (result.cookies?.length) res.setHeader("set-cookie", result.cookies);
    res.statusCode = result.statusCode ?? 200;
    res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, "base64") : (result.body ?? ""));
  } catch (error) {
    console.error(error);
    res.statusCode = 500;
    res.end('{"message":"Internal Server Error"}');
  }
});
server.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));

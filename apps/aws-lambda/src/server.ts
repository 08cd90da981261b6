// A small local API Gateway (HTTP API, payload v2) in front of the handler, as `sam local` would
// run it: one event per request, the result written back (cookies as separate Set-Cookie headers).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { ApiGatewayV2Event, LambdaV2Result } from "@latch/aws-lambda";
import { exampleSettings } from "@latch/example-config";
import { handler } from "./handler";

async function toEvent(req: IncomingMessage): Promise<ApiGatewayV2Event> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === "cookie") cookies = (Array.isArray(value) ? value.join("; ") : value).split(/;\s*/).filter(Boolean);
    else headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const body = Buffer.concat(chunks);
  return {
    version: "2.0",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(cookies ? { cookies } : {}),
    ...(body.length > 0 ? { body: body.toString("base64"), isBase64Encoded: true } : {}),
    requestContext: { http: { method: req.method ?? "GET", sourceIp: req.socket.remoteAddress ?? "" }, requestId: randomUUID() },
  };
}

const { port, host } = exampleSettings();
const server = createServer(async (req, res) => {
  try {
    const result = (await handler(await toEvent(req), {})) as LambdaV2Result;
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
    if (result.cookies?.length) res.setHeader("set-cookie", result.cookies);
    res.statusCode = result.statusCode ?? 200;
    res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, "base64") : (result.body ?? ""));
  } catch (error) {
    // As API Gateway does when the function fails.
    console.error(error);
    res.statusCode = 500;
    res.setHeader("content-type", "application/json");
    res.end('{"message":"Internal Server Error"}');
  }
});
server.listen(port, host, () => console.log(`listening on http://${host}:${port}`));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.close(() => process.exit(0)));

import { sessionErrorResponse, verifySession } from "@latch/nextjs/edge";
import { type NextRequest, NextResponse } from "next/server";

// Runs on the edge runtime: @latch/nextjs/edge verifies with jose on Web Crypto and Latch's JWKS
// route; nothing here loads the store or Node APIs.
export async function middleware(request: NextRequest) {
  const websiteOrigin = process.env.LATCH_WEBSITE_DOMAIN;
  const origin = request.headers.get("origin");
  const cors = websiteOrigin !== undefined && origin === websiteOrigin && websiteOrigin !== request.nextUrl.origin;
  // CORS for a website on another origin, as in the other examples.
  if (cors && request.method === "OPTIONS") {
    return new Response(null, { status: 204, headers: corsHeaders(websiteOrigin, true) });
  }

  let response = NextResponse.next();
  if (request.nextUrl.pathname.startsWith("/edge/")) {
    const apiBasePath = process.env.LATCH_API_BASE_PATH ?? "/auth";
    const result = await verifySession(request, { jwksUrl: new URL(`${apiBasePath}/jwt/jwks.json`, request.nextUrl.origin) });
    if (result.status !== "OK") return sessionErrorResponse(result);
    const headers = new Headers(request.headers);
    headers.set("x-latch-user-id", result.userId);
    response = NextResponse.next({ request: { headers } });
  }
  if (cors) for (const [name, value] of Object.entries(corsHeaders(websiteOrigin, false))) response.headers.set(name, value);
  return response;
}

function corsHeaders(origin: string, preflight: boolean): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    vary: "origin",
    ...(preflight
      ? {
          // Latch's request headers (getAllCORSHeaders() in core; written out: the edge does not load core).
          "access-control-allow-headers": "content-type, anti-csrf, rid, authorization, st-auth-mode, fdi-version",
          "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE",
        }
      : {}),
  };
}

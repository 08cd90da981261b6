import {
  type AccessTokenPayload,
  type ClaimValidationError,
  type GetSessionOptions,
  type InvalidClaimError,
  isLatchError,
} from "@latch/core";
import { WebRequest, WebResponse } from "@latch/core/web";
import { type AdapterOptions, resolveLatch } from "./request";

/** What a server component or server action learns about the session (plain data: safe to pass to client components). */
export type SSRSessionResult =
  | { status: "OK"; userId: string; tenantId: string; sessionHandle: string; accessTokenPayload: AccessTokenPayload }
  /** No session tokens at all (or no longer valid ones): show the signed-out page. */
  | { status: "NO_SESSION" }
  /**
   * The access token expired (or needs the client's help): a server component cannot set cookies,
   * so let the browser refresh (Latch's or SuperTokens' client SDK does it on the next call, or
   * render a client component that calls `POST /auth/session/refresh` and reloads).
   */
  | { status: "TRY_REFRESH" }
  | { status: "INVALID_CLAIM"; claimValidationErrors: ClaimValidationError[] };

/**
 * The session of the request being rendered, for server components and server actions. Reads the
 * request's cookies and Authorization header through `next/headers` and verifies the access token
 * locally (no database call unless `checkDatabase` is set). Never throws for session errors: the
 * page decides what to render.
 */
export async function getSSRSession(options: Omit<GetSessionOptions, "sessionRequired"> & AdapterOptions = {}): Promise<SSRSessionResult> {
  const { latch: _instance, ...sessionOptions } = options;
  // Loaded here, not at the top: `next/headers` costs ~35 ms to import, which every importer of
  // the adapter (route handlers, middleware, the pages router) would otherwise pay at cold start.
  // ".js": next has no exports map, so Node resolves ESM subpaths only by file name.
  const { headers } = await import("next/headers.js");
  // headers() before the instance: while `next build` prerenders, it ends the render here (the page
  // becomes dynamic), so the app's factory never runs at build time and needs no store settings then.
  const request = new WebRequest(new Request("http://localhost/", { headers: await headers() }));
  const latch = await resolveLatch(options);
  // A GET: pages are not CSRF-checked (server actions are POSTs that Next.js checks by Origin).
  try {
    const session = await latch.getSession(request, new WebResponse(), { antiCsrfCheck: false, ...sessionOptions, sessionRequired: false });
    if (!session) return { status: "NO_SESSION" };
    return {
      status: "OK",
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    };
  } catch (error) {
    if (!isLatchError(error)) throw error;
    switch (error.code) {
      case "TRY_REFRESH_TOKEN":
        return { status: "TRY_REFRESH" };
      case "UNAUTHORISED":
      case "TOKEN_THEFT_DETECTED":
        return { status: "NO_SESSION" };
      case "INVALID_CLAIMS":
        return { status: "INVALID_CLAIM", claimValidationErrors: (error as InvalidClaimError).claimValidationErrors };
      default:
        throw error;
    }
  }
}

import type { SessionContainer } from "@latch/core";
import { withSession, wrap } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

export const PATCH = withSession(
  async (req, session) => {
    const body = (await wrap(req).request.getJsonBody()) as
      | { accessTokenPayload?: Parameters<SessionContainer["mergeIntoAccessTokenPayload"]>[0] }
      | undefined;
    // New tokens are sent: withSession adds Latch's cookies and headers to this response.
    await session.mergeIntoAccessTokenPayload(body?.accessTokenPayload as Parameters<SessionContainer["mergeIntoAccessTokenPayload"]>[0]);
    return Response.json({ accessTokenPayload: session.getAccessTokenPayload() });
  },
  { latch: appLatch },
);

import { withSession } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

export const GET = withSession(
  async (_req, session) =>
    Response.json({
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    }),
  { latch: appLatch },
);

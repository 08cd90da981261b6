import { withSession } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

export const POST = withSession(
  async (_req, session) => {
    const latch = await appLatch();
    const revoked = await latch.revokeAllSessionsForUser(session.getUserId());
    return Response.json({ revoked: revoked.length });
  },
  { latch: appLatch },
);

import { withSession } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

export const GET = withSession(
  async (_req, session) => {
    const latch = await appLatch();
    return Response.json({ sessionHandles: await latch.getAllSessionHandlesForUser(session.getUserId(), session.getTenantId()) });
  },
  { latch: appLatch },
);

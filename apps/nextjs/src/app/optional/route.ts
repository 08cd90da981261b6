import { withSession } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

export const GET = withSession(async (_req, session) => Response.json({ userId: session?.getUserId() ?? null }), {
  latch: appLatch,
  sessionRequired: false,
});

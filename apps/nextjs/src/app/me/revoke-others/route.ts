import { revokeOtherSessionsOfCaller } from "@latch/example-config";
import { withSession } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

export const POST = withSession(async (_req, session) => Response.json(await revokeOtherSessionsOfCaller(await appLatch(), session)), {
  latch: appLatch,
});

import { sessionsOfCaller } from "@latch/example-config";
import { withSession } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

export const GET = withSession(async (_req, session) => Response.json(await sessionsOfCaller(await appLatch(), session)), {
  latch: appLatch,
});

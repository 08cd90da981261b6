import type { SessionContainer } from "@latch/core";
import { withSession, wrap } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

export const GET = withSession(async (_req, session) => Response.json({ sessionData: await session.getSessionDataFromDatabase() }), {
  latch: appLatch,
});

export const PUT = withSession(
  async (req, session) => {
    const body = (await wrap(req).request.getJsonBody()) as
      | { sessionData?: Parameters<SessionContainer["updateSessionDataInDatabase"]>[0] }
      | undefined;
    await session.updateSessionDataInDatabase(body?.sessionData as Parameters<SessionContainer["updateSessionDataInDatabase"]>[0]);
    return Response.json({ status: "OK" });
  },
  { latch: appLatch },
);

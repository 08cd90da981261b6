import { withLatch } from "@latch/nextjs";
import { benchKind, benchLatch } from "../../lib/latch";

export const dynamic = "force-dynamic";

const bare = async (): Promise<Response> => Response.json({ ok: true });

const latch = withLatch(
  async (req: Request) => {
    await benchLatch().createNewSession(req, req, "bench-user");
    return Response.json({ ok: true });
  },
  { latch: benchLatch },
);

export const POST = benchKind === "latch" ? latch : bare;

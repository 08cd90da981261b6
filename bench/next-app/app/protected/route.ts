import { withSession } from "@latch/nextjs";
import { benchKind, benchLatch } from "../../lib/latch";

export const dynamic = "force-dynamic";

const bare = async (): Promise<Response> => Response.json({ ok: true });

const latch = withSession(async (_req, session) => Response.json({ ok: true, userId: session.getUserId() }), { latch: benchLatch });

export const GET = benchKind === "latch" ? latch : bare;

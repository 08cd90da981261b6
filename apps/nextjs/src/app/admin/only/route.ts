import { adminRoleValidator } from "@latch/example-config";
import { withSession } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

export const GET = withSession(async () => Response.json({ ok: true }), {
  latch: appLatch,
  overrideGlobalClaimValidators: (global) => [...global, adminRoleValidator],
});

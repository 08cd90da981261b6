import type { Latch } from "@latch/core";
import { withLatch, wrap } from "@latch/nextjs";
import { appLatch } from "@/lib/latch";

// As sent by the client: createNewSession validates every field (a bad one is a 400).
interface LoginBody {
  userId?: string;
  tenantId?: string;
  accessTokenPayload?: Parameters<Latch["createNewSession"]>[4];
  sessionData?: Parameters<Latch["createNewSession"]>[5];
}

export const POST = withLatch(
  async (req: Request) => {
    const latch = await appLatch();
    // Latch's body reader: invalid JSON or a body over 1 MB is a 400, like the other examples.
    const body = ((await wrap(req).request.getJsonBody()) ?? {}) as LoginBody;
    const { userId, tenantId, accessTokenPayload, sessionData } = body;
    const session = await latch.createNewSession(req, req, tenantId ?? "public", userId as string, accessTokenPayload, sessionData);
    return Response.json({ message: "User logged in!", sessionHandle: session.getHandle() });
  },
  { latch: appLatch },
);

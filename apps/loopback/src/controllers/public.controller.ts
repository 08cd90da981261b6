import type { SessionContainer } from "@latch/core";
import { LatchBindings, verifySession } from "@latch/loopback";
import { inject, intercept } from "@loopback/core";
import { get } from "@loopback/rest";

export class PublicController {
  @get("/public")
  publicRoute() {
    return { ok: true };
  }

  // An optional session: the interceptor binds the session, or undefined when there is none.
  @get("/optional")
  @intercept(verifySession({ sessionRequired: false }))
  optional(@inject(LatchBindings.SESSION) session: SessionContainer | undefined) {
    return { userId: session?.getUserId() ?? null };
  }
}

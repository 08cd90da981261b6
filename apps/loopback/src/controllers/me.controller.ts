import type { JSONObject, Latch, SessionContainer } from "@latch/core";
import { revokeOtherSessionsOfCaller, sessionsOfCaller } from "@latch/example-config";
import { LatchBindings } from "@latch/loopback";
import { authenticate } from "@loopback/authentication";
import { inject } from "@loopback/core";
import { get, patch, post, put, requestBody } from "@loopback/rest";
import { PAYLOAD_BODY, SESSION_DATA_BODY } from "./bodies";

/** Every route here requires a session; `@inject(LatchBindings.SESSION)` gives it. */
@authenticate("latch")
export class MeController {
  constructor(@inject(LatchBindings.INSTANCE) private readonly latch: Latch) {}

  @get("/me")
  me(@inject(LatchBindings.SESSION) session: SessionContainer) {
    return {
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    };
  }

  @get("/me/data")
  async data(@inject(LatchBindings.SESSION) session: SessionContainer) {
    return { sessionData: await session.getSessionDataFromDatabase() };
  }

  @put("/me/data")
  async updateData(
    @requestBody(SESSION_DATA_BODY) body: { sessionData?: JSONObject },
    @inject(LatchBindings.SESSION) session: SessionContainer,
  ) {
    await session.updateSessionDataInDatabase(body?.sessionData as JSONObject);
    return { status: "OK" };
  }

  @patch("/me/payload")
  async payload(
    @requestBody(PAYLOAD_BODY) body: { accessTokenPayload?: JSONObject },
    @inject(LatchBindings.SESSION) session: SessionContainer,
  ) {
    await session.mergeIntoAccessTokenPayload(body?.accessTokenPayload as JSONObject);
    return { accessTokenPayload: session.getAccessTokenPayload() };
  }

  @get("/me/sessions")
  async sessions(@inject(LatchBindings.SESSION) session: SessionContainer) {
    return sessionsOfCaller(this.latch, session);
  }

  @post("/me/revoke-others")
  async revokeOthers(@inject(LatchBindings.SESSION) session: SessionContainer) {
    return revokeOtherSessionsOfCaller(this.latch, session);
  }

  @post("/me/revoke-all")
  async revokeAll(@inject(LatchBindings.SESSION) session: SessionContainer) {
    return { revoked: (await this.latch.revokeAllSessionsForUser(session.getUserId())).length };
  }
}

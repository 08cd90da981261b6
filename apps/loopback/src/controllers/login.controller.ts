import type { JSONObject, Latch } from "@latch/core";
import { LatchBindings } from "@latch/loopback";
import { inject } from "@loopback/core";
import { post, type Request, type Response, RestBindings, requestBody } from "@loopback/rest";
import { LOGIN_BODY } from "./bodies";

interface LoginRequest {
  userId: string;
  tenantId?: string;
  accessTokenPayload?: JSONObject;
  sessionData?: JSONObject;
}

export class LoginController {
  constructor(@inject(LatchBindings.INSTANCE) private readonly latch: Latch) {}

  @post("/login")
  async login(
    @requestBody(LOGIN_BODY) body: Partial<LoginRequest>,
    @inject(RestBindings.Http.REQUEST) request: Request,
    @inject(RestBindings.Http.RESPONSE) response: Response,
  ) {
    const { userId, tenantId, accessTokenPayload, sessionData } = body ?? {};
    const session = await this.latch.createNewSession(
      request,
      response,
      tenantId ?? "public",
      userId as string,
      accessTokenPayload,
      sessionData,
    );
    return { message: "User logged in!", sessionHandle: session.getHandle() };
  }
}

import type { JSONObject, Latch, SessionContainer } from "@latch/core";
import { adminRoleValidator, revokeOtherSessionsOfCaller, sessionsOfCaller } from "@latch/example-config";
import { LATCH, Session, SessionGuard, VerifySession } from "@latch/nestjs";
import { Body, Controller, Get, HttpCode, Inject, Patch, Post, Put, Req, Res, UseGuards } from "@nestjs/common";

interface LoginBody {
  userId: string;
  tenantId?: string;
  accessTokenPayload?: JSONObject;
  sessionData?: JSONObject;
}

// Constructor parameters use @Inject explicitly: the example runs under tsx (esbuild), which emits
// no decorator type metadata.
@Controller()
export class AppController {
  constructor(@Inject(LATCH) private readonly latch: Latch) {}

  @Post("login")
  @HttpCode(200)
  async login(@Req() req: object, @Res({ passthrough: true }) res: object, @Body() body: Partial<LoginBody> = {}) {
    // Unchecked input: createNewSession validates each value and answers 400 for a bad one.
    const { userId, tenantId, accessTokenPayload, sessionData } = body ?? {};
    const session = await this.latch.createNewSession(req, res, tenantId ?? "public", userId as string, accessTokenPayload, sessionData);
    return { message: "User logged in!", sessionHandle: session.getHandle() };
  }

  @Get("public")
  publicRoute() {
    return { ok: true };
  }

  @Get("me")
  @UseGuards(SessionGuard)
  me(@Session() session: SessionContainer) {
    return {
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    };
  }

  @Get("optional")
  @VerifySession({ sessionRequired: false })
  @UseGuards(SessionGuard)
  optional(@Session() session: SessionContainer | undefined) {
    return { userId: session?.getUserId() ?? null };
  }

  @Get("me/data")
  @UseGuards(SessionGuard)
  async data(@Session() session: SessionContainer) {
    return { sessionData: await session.getSessionDataFromDatabase() };
  }

  @Put("me/data")
  @UseGuards(SessionGuard)
  async updateData(@Session() session: SessionContainer, @Body() body: { sessionData?: JSONObject } = {}) {
    await session.updateSessionDataInDatabase(body?.sessionData as JSONObject);
    return { status: "OK" };
  }

  @Patch("me/payload")
  @UseGuards(SessionGuard)
  async payload(@Session() session: SessionContainer, @Body() body: { accessTokenPayload?: JSONObject } = {}) {
    await session.mergeIntoAccessTokenPayload(body?.accessTokenPayload as JSONObject);
    return { accessTokenPayload: session.getAccessTokenPayload() };
  }

  @Get("me/sessions")
  @UseGuards(SessionGuard)
  async sessions(@Session() session: SessionContainer) {
    return sessionsOfCaller(this.latch, session);
  }

  @Post("me/revoke-others")
  @HttpCode(200)
  @UseGuards(SessionGuard)
  async revokeOthers(@Session() session: SessionContainer) {
    return revokeOtherSessionsOfCaller(this.latch, session);
  }

  @Post("me/revoke-all")
  @HttpCode(200)
  @UseGuards(SessionGuard)
  async revokeAll(@Session() session: SessionContainer) {
    return { revoked: (await this.latch.revokeAllSessionsForUser(session.getUserId())).length };
  }

  @Get("admin/only")
  @VerifySession({ overrideGlobalClaimValidators: (global) => [...global, adminRoleValidator] })
  @UseGuards(SessionGuard)
  admin() {
    return { ok: true };
  }
}

import { type GetSessionOptions, type Latch, UnauthorisedError } from "@latch/core";
import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { loadPlatform, nativeObjects, platformOf, wrapNative } from "./platform";
import { LATCH, VERIFY_SESSION_OPTIONS } from "./tokens";

/** Per-route session options for `SessionGuard`: `@VerifySession({ sessionRequired: false })`. */
export const VerifySession = (options: GetSessionOptions = {}) => SetMetadata(VERIFY_SESSION_OPTIONS, options);

/**
 * Verifies the session and puts it on the request (`req.latchSession`, and `req.session` when free). It never writes a response: a
 * failed check is thrown as Latch's typed error and `LatchExceptionFilter` answers it, which is
 * what lets the same guard protect GraphQL resolvers.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    @Inject(LATCH) private readonly latch: Latch,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const options =
      this.reflector.getAllAndOverride<GetSessionOptions | undefined>(VERIFY_SESSION_OPTIONS, [context.getHandler(), context.getClass()]) ??
      {};
    const natives = nativeObjects(context);
    if (!natives) throw new UnauthorisedError("no HTTP request in this execution context", { clearTokens: false });
    // Loaded at start-up already (LatchModule); this covers a guard used without the module's init.
    await loadPlatform(platformOf(natives.request, natives.response));
    const { request, response } = wrapNative(natives.request, natives.response);
    const session = await this.latch.getSession(request, response, options);
    if (session) {
      natives.request.latchSession = session;
      // The alias, unless express-session / @fastify/session own `req.session`.
      if (natives.request.session === undefined) natives.request.session = session;
    }
    return true;
  }
}

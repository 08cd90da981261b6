import { type GetSessionOptions, type Latch, type SessionContainer, UnauthorisedError } from "@latch/core";
import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { isPlatformLoaded, loadPlatform, nativeObjects, newWrappers, platformOf } from "./platform";
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

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const options =
      this.reflector.getAllAndOverride<GetSessionOptions | undefined>(VERIFY_SESSION_OPTIONS, [context.getHandler(), context.getClass()]) ??
      {};
    const natives = nativeObjects(context);
    if (!natives) return Promise.reject(new UnauthorisedError("no HTTP request in this execution context", { clearTokens: false }));
    const platform = platformOf(natives.request, natives.response);
    // Loaded at start-up already (LatchModule); this covers a guard used without the module's init.
    if (!isPlatformLoaded(platform)) return loadPlatform(platform).then(() => this.#check(natives, options));
    return this.#check(natives, options);
  }

  /** A token verified before is checked without a promise (`getSessionMaybeSync`); a failed check is a rejected promise. */
  #check(
    natives: { request: Record<string, unknown>; response: Record<string, unknown> },
    options: GetSessionOptions,
  ): boolean | Promise<boolean> {
    // Unbound wrappers: binding adds a property to each native object on every request, which only
    // app code handing them to core needs (it resolves them on demand, see platform.ts).
    const { request, response } = newWrappers(natives.request, natives.response);
    let result: SessionContainer | undefined | Promise<SessionContainer | undefined>;
    try {
      result = this.latch.getSessionMaybeSync(request, response, options);
    } catch (error) {
      // As before this path was synchronous: a failed check is a rejected promise, never a throw.
      return Promise.reject(error);
    }
    if (!(result instanceof Promise)) return this.#attach(natives.request, result);
    return result.then((session) => this.#attach(natives.request, session));
  }

  #attach(request: Record<string, unknown>, session: SessionContainer | undefined): true {
    if (session) {
      request.latchSession = session;
      // The alias, unless express-session / @fastify/session own `req.session`.
      if (request.session === undefined) request.session = session;
    }
    return true;
  }
}

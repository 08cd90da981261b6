import { ConfigError, type GetSessionOptions, type Latch, type SessionContainer } from "@latch/core";
import {
  AuthenticationBindings,
  type AuthenticationMetadata,
  type AuthenticationStrategy,
  asAuthStrategy,
  getAuthenticationMetadataForStrategy,
} from "@loopback/authentication";
import { inject, injectable } from "@loopback/core";
import type { Request } from "@loopback/rest";
import { securityId, type UserProfile } from "@loopback/security";
import { LATCH_STRATEGY, LatchBindings } from "./keys";
import { verifyRequestSession } from "./verify";

/** The current user of `@inject(SecurityBindings.USER)` on a route with `@authenticate('latch')`. */
export interface LatchUserProfile extends UserProfile {
  /** The user id. */
  [securityId]: string;
  session: SessionContainer;
}

/** Options of the strategy (a session is always required: use the `verifySession()` interceptor for optional ones). */
export type LatchStrategyOptions = Omit<GetSessionOptions, "sessionRequired">;

/** Typed metadata for `@authenticate(latchStrategy({ overrideGlobalClaimValidators: ... }))`. */
export function latchStrategy(options: LatchStrategyOptions = {}): AuthenticationMetadata {
  return { strategy: LATCH_STRATEGY, options };
}

/**
 * The `latch` authentication strategy: verifies the session, binds it to `LatchBindings.SESSION`
 * and returns a user profile carrying it. A failed check throws Latch's typed error, which the
 * component's middleware answers (401 unauthorised or try refresh token, 403 invalid claim).
 */
@injectable(asAuthStrategy)
export class LatchAuthenticationStrategy implements AuthenticationStrategy {
  readonly name = LATCH_STRATEGY;

  constructor(
    @inject(LatchBindings.INSTANCE) private readonly latch: Latch,
    @inject(AuthenticationBindings.METADATA) private readonly metadata: AuthenticationMetadata[] | undefined,
  ) {}

  async authenticate(request: Request): Promise<LatchUserProfile> {
    const options = (getAuthenticationMetadataForStrategy(this.metadata ?? [], LATCH_STRATEGY)?.options ?? {}) as GetSessionOptions;
    // LoopBack's authentication answers 401 itself when a strategy finds no user, so an optional
    // session cannot be expressed here.
    if (options.sessionRequired === false)
      throw new ConfigError("@authenticate('latch') always requires a session: use @intercept(verifySession({ sessionRequired: false }))");
    const session = (await verifyRequestSession(this.latch, request, options)) as SessionContainer;
    return { [securityId]: session.getUserId(), session };
  }
}

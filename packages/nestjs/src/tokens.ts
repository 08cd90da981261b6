/** Injection token of the module's Latch instance: `@Inject(LATCH) latch: Latch`. */
export const LATCH = Symbol.for("latch.nestjs.instance");
/** Metadata key of `@VerifySession()` options. */
export const VERIFY_SESSION_OPTIONS = "latch:verify-session-options";

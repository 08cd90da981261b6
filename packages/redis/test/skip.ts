import { injectedSkipReason } from "@latch/testing/store";

/** Undefined when the service answered the globalSetup's probe (or under CI, where it must fail instead). */
export const skipReason = injectedSkipReason();

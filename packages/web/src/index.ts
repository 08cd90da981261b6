export { LatchClient, type LatchClientOptions, type SessionEndReason, type TokenTransferMethod } from "./client";
export type { AccessTokenPayload, FrontToken, JSONValue } from "./front-token";
export { decodeFrontToken } from "./front-token";
export type { RunExclusive } from "./lock";
export { cookieStorage, memoryStorage, type TokenStorage } from "./storage";

import { LatchClient, type LatchClientOptions } from "./client";

/** Creates a client; `const latch = createClient(); await latch.fetch("/me")`. */
export function createClient(options?: LatchClientOptions): LatchClient {
  return new LatchClient(options);
}

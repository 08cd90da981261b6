import { ConfigError, type GetSessionOptions, type Latch, type SessionContainer } from "@latch/core";
import { getMiddlewareContext, type Request } from "@loopback/rest";
import { LatchBindings } from "./keys";
import { wrap } from "./wrap";

/**
 * Verifies the request's session and binds it (or undefined) to `LatchBindings.SESSION` in the
 * request's context. Latch's typed errors are thrown; the component's middleware answers them.
 */
export async function verifyRequestSession(
  latch: Latch,
  request: Request,
  options: GetSessionOptions = {},
): Promise<SessionContainer | undefined> {
  const context = getMiddlewareContext(request);
  if (!context) throw new ConfigError("this request did not come through LoopBack's REST server");
  const { request: baseRequest, response: baseResponse } = wrap(context.request, context.response);
  const session = await latch.getSession(baseRequest, baseResponse, options);
  context.bind(LatchBindings.SESSION).to(session);
  return session;
}

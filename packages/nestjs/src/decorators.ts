import type { SessionContainer } from "@latch/core";
import { createParamDecorator, type ExecutionContext } from "@nestjs/common";
import { nativeObjects } from "./platform";

/** The session `SessionGuard` verified (undefined on an optional route without one). */
export const Session = createParamDecorator((_data: unknown, context: ExecutionContext): SessionContainer | undefined => {
  return nativeObjects(context)?.request.latchSession as SessionContainer | undefined;
});

import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from "@nestjs/common";
import type { Observable } from "rxjs";
import { nativeObjects, wrapNative } from "./platform";

/**
 * Binds each request's objects before the handler runs. `LatchModule` no longer registers it:
 * `createNewSession(req, res, ...)` with `@Req()` and `@Res({ passthrough: true })` resolves Nest's
 * objects on demand on either platform, and a global interceptor makes Nest run its interceptor
 * pipeline on every route. Kept for apps that apply it themselves.
 */
@Injectable()
export class LatchBindingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const natives = nativeObjects(context);
    if (natives) wrapNative(natives.request, natives.response);
    return next.handle();
  }
}

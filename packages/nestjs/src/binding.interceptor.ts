import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from "@nestjs/common";
import type { Observable } from "rxjs";
import { nativeObjects, wrapNative } from "./platform";

/**
 * Binds each request's objects before the handler runs, so `createNewSession(req, res, ...)` works
 * in a controller with `@Req()` and `@Res({ passthrough: true })`, on either platform.
 */
@Injectable()
export class LatchBindingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const natives = nativeObjects(context);
    if (natives) wrapNative(natives.request, natives.response);
    return next.handle();
  }
}

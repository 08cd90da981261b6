import { errorToResponse, isLatchError, type Latch } from "@latch/core";
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from "@nestjs/common";
import { BaseExceptionFilter, HttpAdapterHost } from "@nestjs/core";
import { nativeObjects, wrapNative } from "./platform";
import { LATCH } from "./tokens";

/**
 * Answers Latch's errors with the protocol's exact status and body (clearing tokens where it says
 * so); hands every other error to Nest's default handling. For GraphQL, where the filter cannot
 * write a response, the error becomes an HttpException with the same status and body.
 */
@Catch()
export class LatchExceptionFilter extends BaseExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(LATCH) private readonly latch: Latch,
    @Inject(HttpAdapterHost) adapterHost: HttpAdapterHost,
  ) {
    super(adapterHost.httpAdapter);
  }

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (!isLatchError(exception)) return super.catch(exception, host);
    if (host.getType<string>() === "graphql") {
      const answer = errorToResponse(exception, this.latch.config);
      if (answer) throw new HttpException(answer.body, answer.status, { cause: exception });
      throw exception;
    }
    const natives = nativeObjects(host as never);
    if (natives) {
      const { request, response } = wrapNative(natives.request, natives.response);
      if (this.latch.handleError(exception, request, response)) return undefined;
    }
    return super.catch(exception, host);
  }
}

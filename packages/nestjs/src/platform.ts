import type { BaseRequest, BaseResponse } from "@latch/core";
import { wrap as wrapExpress } from "@latch/express";
import { wrap as wrapFastify } from "@latch/fastify";
import type { ExecutionContext } from "@nestjs/common";

type Wrapped = { request: BaseRequest; response: BaseResponse };
type NativeObject = Record<string, unknown>;

/**
 * Latch's wrappers for the request and response Nest hands out, whichever platform is underneath:
 * @nestjs/platform-fastify gives Fastify's request and reply (each with `.raw`), the Express platform
 * gives Express's objects. The work is the Express and Fastify adapters'; this only picks one.
 */
export function wrapNative(request: object, response: object): Wrapped {
  const isFastify = "raw" in request && "raw" in response && typeof (response as NativeObject).code === "function";
  return isFastify ? wrapFastify(request as never, response as never) : wrapExpress(request as never, response as never);
}

/** The request and response of an HTTP or GraphQL execution context (GraphQL puts them on its context). */
export function nativeObjects(context: ExecutionContext): { request: NativeObject; response: NativeObject } | undefined {
  if (context.getType<string>() === "graphql") {
    const graphqlContext = context.getArgByIndex<{ req?: NativeObject; res?: NativeObject; request?: NativeObject; reply?: NativeObject }>(
      2,
    );
    const request = graphqlContext?.req ?? graphqlContext?.request;
    const response = graphqlContext?.res ?? graphqlContext?.reply;
    return request && response ? { request, response } : undefined;
  }
  if (context.getType() !== "http") return undefined;
  const http = context.switchToHttp();
  return { request: http.getRequest<NativeObject>(), response: http.getResponse<NativeObject>() };
}

import { type BaseRequest, type BaseResponse, registerWrapperResolver } from "@latch/core";
import type { ExecutionContext } from "@nestjs/common";

type Wrapped = { request: BaseRequest; response: BaseResponse };
type NativeObject = Record<string, unknown>;
type Platform = "express" | "fastify";
/** What this package uses of a platform adapter (@latch/express or @latch/fastify). */
interface PlatformAdapter {
  /** Wraps and binds (the adapter's own `wrap`). */
  wrap: (request: never, response: never) => Wrapped;
  /** New, unbound wrappers: what a session check needs, without a property added to each native object. */
  wrappers: (request: never, response: never) => Wrapped;
  request: (request: never) => BaseRequest;
  response: (response: never) => BaseResponse;
}

/**
 * The platform adapters are optional peers, loaded when the app starts for the platform it runs
 * on (`HttpAdapterHost`'s type), so a Nest-on-Express app neither installs nor loads Fastify.
 */
const PACKAGES: Record<Platform, string> = { express: "@latch/express", fastify: "@latch/fastify" };
const loaded: Partial<Record<Platform, PlatformAdapter>> = {};

/** Loads the Latch adapter of Nest's platform (`"express"` or `"fastify"`); other platforms need none. */
export async function loadPlatform(type: string | undefined): Promise<void> {
  if (type !== "express" && type !== "fastify") return;
  if (loaded[type]) return;
  try {
    // Literal specifiers, so bundlers see both; each is imported only on its platform.
    if (type === "express") {
      const { ExpressRequest, ExpressResponse, wrap } = await import("@latch/express");
      loaded.express = adapterOf(wrap, ExpressRequest, ExpressResponse);
    } else {
      const { FastifyRequestWrapper, FastifyResponseWrapper, wrap } = await import("@latch/fastify");
      loaded.fastify = adapterOf(wrap, FastifyRequestWrapper, FastifyResponseWrapper);
    }
  } catch (error) {
    if (!isMissing(error, PACKAGES[type])) throw error;
    throw new Error(`@latch/nestjs on the ${type} platform needs ${PACKAGES[type]}: npm install ${PACKAGES[type]}`, { cause: error });
  }
}

function adapterOf<Request, Response>(
  wrap: (request: Request, response: Response) => Wrapped,
  RequestWrapper: new (request: Request) => BaseRequest,
  ResponseWrapper: new (response: Response) => BaseResponse,
): PlatformAdapter {
  const request = (native: Request) => new RequestWrapper(native);
  const response = (native: Response) => new ResponseWrapper(native);
  return {
    wrap: wrap as PlatformAdapter["wrap"],
    wrappers: ((req: Request, res: Response) => ({ request: request(req), response: response(res) })) as PlatformAdapter["wrappers"],
    request: request as PlatformAdapter["request"],
    response: response as PlatformAdapter["response"],
  };
}

/** Whether the adapter of this platform is loaded already (then `loadPlatform` need not be awaited). */
export function isPlatformLoaded(type: Platform): boolean {
  return loaded[type] !== undefined;
}

function isMissing(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String(message).includes(name);
}

/** Which platform made these objects: Fastify's request and reply each have `.raw`. */
export function platformOf(request: object, response: object): Platform {
  return "raw" in request && "raw" in response && typeof (response as NativeObject).code === "function" ? "fastify" : "express";
}

/**
 * Latch's wrappers for the request and response Nest hands out, whichever platform is underneath:
 * @nestjs/platform-fastify gives Fastify's request and reply (each with `.raw`), the Express platform
 * gives Express's objects. The work is the Express and Fastify adapters'; this only picks one.
 */
export function wrapNative(request: object, response: object): Wrapped {
  return adapterFor(platformOf(request, response)).wrap(request as never, response as never);
}

/** A new, unbound wrapper of the request alone (to match Latch's routes without a response wrapper). */
export function newRequestWrapper(request: object, response: object): BaseRequest {
  return adapterFor(platformOf(request, response)).request(request as never);
}

/** Like `wrapNative`, but new wrappers that are not bound to the native objects (SessionGuard's). */
export function newWrappers(request: object, response: object): Wrapped {
  return adapterFor(platformOf(request, response)).wrappers(request as never, response as never);
}

function adapterFor(platform: Platform): PlatformAdapter {
  const adapter = loaded[platform];
  if (!adapter)
    throw new Error(`@latch/nestjs: ${PACKAGES[platform]} is not loaded (is LatchModule imported, and ${PACKAGES[platform]} installed?)`);
  return adapter;
}

// `createNewSession(req, res, ...)` in a controller (`@Req()`, `@Res({ passthrough: true })`), with
// no binding made ahead of time: on the Express platform `req`/`res` are Node's objects, which
// `@latch/core/node` wraps on demand; on Fastify they are Fastify's request and reply, wrapped here
// on demand. (A global interceptor used to bind every request instead, which made Nest run its
// interceptor pipeline on every route of the app: bench/OPTIMISATIONS.md.)
const isFastifyRequest = (native: NativeObject) =>
  typeof native.raw === "object" && native.raw !== null && typeof native.routeOptions === "object" && typeof native.headers === "object";
const isFastifyReply = (native: NativeObject) =>
  typeof native.raw === "object" && native.raw !== null && typeof native.code === "function" && typeof native.request === "object";
registerWrapperResolver({
  request: (native) => (loaded.fastify && isFastifyRequest(native as NativeObject) ? loaded.fastify.request(native as never) : undefined),
  response: (native) => (loaded.fastify && isFastifyReply(native as NativeObject) ? loaded.fastify.response(native as never) : undefined),
});

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

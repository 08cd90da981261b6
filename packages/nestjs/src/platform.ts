import type { BaseRequest, BaseResponse } from "@latch/core";
import type { ExecutionContext } from "@nestjs/common";

type Wrapped = { request: BaseRequest; response: BaseResponse };
type NativeObject = Record<string, unknown>;
type Platform = "express" | "fastify";
type Wrap = (request: never, response: never) => Wrapped;

/**
 * The platform adapters are optional peers, loaded when the app starts for the platform it runs
 * on (`HttpAdapterHost`'s type), so a Nest-on-Express app neither installs nor loads Fastify.
 */
const PACKAGES: Record<Platform, string> = { express: "@latch/express", fastify: "@latch/fastify" };
const loaded: Partial<Record<Platform, Wrap>> = {};

/** Loads the Latch adapter of Nest's platform (`"express"` or `"fastify"`); other platforms need none. */
export async function loadPlatform(type: string | undefined): Promise<void> {
  if (type !== "express" && type !== "fastify") return;
  if (loaded[type]) return;
  try {
    // Literal specifiers, so bundlers see both; each is imported only on its platform.
    loaded[type] = (type === "express" ? await import("@latch/express") : await import("@latch/fastify")).wrap;
  } catch (error) {
    if (!isMissing(error, PACKAGES[type])) throw error;
    throw new Error(`@latch/nestjs on the ${type} platform needs ${PACKAGES[type]}: npm install ${PACKAGES[type]}`, { cause: error });
  }
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
  const platform = platformOf(request, response);
  const wrap = loaded[platform];
  if (!wrap)
    throw new Error(`@latch/nestjs: ${PACKAGES[platform]} is not loaded (is LatchModule imported, and ${PACKAGES[platform]} installed?)`);
  return wrap(request as never, response as never);
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

import { ConfigError } from "../errors";
import type { BaseRequest } from "./base-request";
import type { BaseResponse } from "./base-response";

/**
 * Finds the wrapper for a native object that was not bound ahead of time: for frameworks whose
 * objects are created per step (hapi's response toolkit `h`), the adapter registers a resolver.
 */
export interface WrapperResolver {
  request?(native: object): BaseRequest | undefined;
  response?(native: object): BaseResponse | undefined;
}

interface Bindings {
  /** For native objects that cannot take a property (frozen, sealed, non-extensible). */
  requests: WeakMap<object, BaseRequest>;
  responses: WeakMap<object, BaseResponse>;
  resolvers: WrapperResolver[];
}

// The wrappers live on the native objects, under symbols. Not in a WeakMap: the wrapper holds its
// native object, and V8's scavenger keeps a WeakMap's values alive, so every request's whole object
// graph (socket, parser state, headers) survived young-generation GC and was only freed by a full
// mark-compact: on Express that was about 20 µs of GC per request (bench/OPTIMISATIONS.md). A
// property costs about what a WeakMap entry did to add (about 1.5 µs on an Express request) and
// nothing in GC; adapters that can, bind only when app code passes native objects (resolvers).
// Symbol.for, and the fallback maps on globalThis, so that the ESM and CJS builds of core (or two
// copies of it) share the bindings.
const REQUEST_KEY = Symbol.for("latch.request");
const RESPONSE_KEY = Symbol.for("latch.response");
type Bindable = { [REQUEST_KEY]?: BaseRequest; [RESPONSE_KEY]?: BaseResponse };
const BINDINGS_KEY = Symbol.for("latch.bindings");
const globalBindings = globalThis as { [BINDINGS_KEY]?: Bindings };
globalBindings[BINDINGS_KEY] ??= { requests: new WeakMap(), responses: new WeakMap(), resolvers: [] };
const bindings: Bindings = globalBindings[BINDINGS_KEY];

function boundRequest(native: object): BaseRequest | undefined {
  return (native as Bindable)[REQUEST_KEY] ?? bindings.requests.get(native);
}

function boundResponse(native: object): BaseResponse | undefined {
  return (native as Bindable)[RESPONSE_KEY] ?? bindings.responses.get(native);
}

/** Registers a resolver (once per adapter; registering the same object twice is a no-op). */
export function registerWrapperResolver(resolver: WrapperResolver): void {
  if (!bindings.resolvers.includes(resolver)) bindings.resolvers.push(resolver);
}

/** A framework's native request or response, or Latch's own wrapper of it. */
export type RequestLike = BaseRequest | object;
export type ResponseLike = BaseResponse | object;

/**
 * Adapters call this on every request they see, so that app code can pass the framework's own
 * `req`/`res` to `createNewSession(req, res, ...)` and core finds the wrappers.
 */
export function bindBaseObjects(nativeRequest: object, request: BaseRequest, nativeResponse: object, response: BaseResponse): void {
  if (Object.isExtensible(nativeRequest)) (nativeRequest as Bindable)[REQUEST_KEY] = request;
  else bindings.requests.set(nativeRequest, request);
  if (Object.isExtensible(nativeResponse)) (nativeResponse as Bindable)[RESPONSE_KEY] = response;
  else bindings.responses.set(nativeResponse, response);
}

/** A wrapper class, as `boundBaseObjects` takes it to check what it found (only `instanceof` is used). */
export type WrapperClass<T> = abstract new (...args: never[]) => T;

/** The wrappers bound to these native objects earlier in the request, if any (adapters wrap once). */
export function boundBaseObjects(
  nativeRequest: object,
  nativeResponse: object,
): { request: BaseRequest; response: BaseResponse } | undefined;
/**
 * With `types`, only wrappers of those classes count, and they come back typed as such: an adapter
 * gets its own classes back without a cast (another adapter may have bound the same objects).
 */
export function boundBaseObjects<Request extends BaseRequest, Response extends BaseResponse>(
  nativeRequest: object,
  nativeResponse: object,
  types: { request: WrapperClass<Request>; response: WrapperClass<Response> },
): { request: Request; response: Response } | undefined;
export function boundBaseObjects(
  nativeRequest: object,
  nativeResponse: object,
  types?: { request: WrapperClass<BaseRequest>; response: WrapperClass<BaseResponse> },
): { request: BaseRequest; response: BaseResponse } | undefined {
  const request = boundRequest(nativeRequest);
  const response = boundResponse(nativeResponse);
  if (!request || !response) return undefined;
  if (types && !(request instanceof types.request && response instanceof types.response)) return undefined;
  return { request, response };
}

function isBaseRequest(value: object): value is BaseRequest {
  const candidate = value as Partial<BaseRequest>;
  return (
    typeof candidate.getMethod === "function" && typeof candidate.getCookies === "function" && typeof candidate.getHeader === "function"
  );
}

function isBaseResponse(value: object): value is BaseResponse {
  const candidate = value as Partial<BaseResponse>;
  return (
    typeof candidate.setCookie === "function" && typeof candidate.exposeHeaders === "function" && typeof candidate.sendJson === "function"
  );
}

export function toBaseRequest(value: RequestLike): BaseRequest {
  if (isBaseRequest(value)) return value;
  const bound = boundRequest(value) ?? resolve((resolver) => resolver.request?.(value));
  if (bound) return bound;
  throw new ConfigError("this request is not known to Latch: mount your framework's Latch middleware first, or pass a BaseRequest");
}

export function toBaseResponse(value: ResponseLike): BaseResponse {
  if (isBaseResponse(value)) return value;
  const bound = boundResponse(value) ?? resolve((resolver) => resolver.response?.(value));
  if (bound) return bound;
  throw new ConfigError("this response is not known to Latch: mount your framework's Latch middleware first, or pass a BaseResponse");
}

function resolve<T>(find: (resolver: WrapperResolver) => T | undefined): T | undefined {
  for (const resolver of bindings.resolvers) {
    const found = find(resolver);
    if (found) return found;
  }
  return undefined;
}

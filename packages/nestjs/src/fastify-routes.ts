import type { Latch } from "@latch/core";
import { newRequestWrapper, newWrappers } from "./platform";

/** The part of Fastify's instance this file uses (the package does not depend on fastify's types). */
export interface FastifyHooks {
  addHook(name: "onRequest", hook: (request: object, reply: object, done: (error?: Error) => void) => void): unknown;
}

/**
 * Latch's routes (refresh, signout, JWKS) on the Fastify platform, from a Fastify onRequest hook
 * rather than a Nest middleware: any Nest middleware makes Nest register @fastify/middie, which
 * costs every request of the app about as much as the session check itself (bench/OPTIMISATIONS.md,
 * change 14). The hook answers as @latch/fastify's plugin does: through the reply, and a request
 * that is not for Latch goes on at once, without a promise.
 */
export function serveLatchRoutesOnFastify(fastify: FastifyHooks, latch: () => Latch): void {
  fastify.addHook("onRequest", (request, reply, done) => {
    const instance = latch();
    if (!instance.matchRoute(newRequestWrapper(request, reply))) return done();
    const wrapped = newWrappers(request, reply);
    // handleRequest sends the reply; not calling done() ends Fastify's hook chain there.
    instance.handleRequest(wrapped.request, wrapped.response).then(
      () => undefined,
      (error: Error) => done(error),
    );
  });
}

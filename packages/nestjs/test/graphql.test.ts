import "reflect-metadata";
import { Latch, MemoryStore, UnauthorisedError } from "@latch/core";
import { HttpException } from "@nestjs/common";
import { type HttpAdapterHost, Reflector } from "@nestjs/core";
import { ExecutionContextHost } from "@nestjs/core/helpers/execution-context-host.js";
import { describe, expect, it } from "vitest";
import { LatchExceptionFilter, Session, SessionGuard } from "../src/index";

// A GraphQL resolver's execution context: (root, args, context, info), with the HTTP objects on the
// GraphQL context, as @nestjs/graphql builds it. The guard must neither need nor write a response.
const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });

/** A response that fails the test if anything writes to it. */
function untouchableResponse() {
  const fail = () => {
    throw new Error("the guard wrote to the response");
  };
  return { headersSent: false, setHeader: fail, removeHeader: fail, getHeader: () => undefined, end: fail, statusCode: 200 };
}

class MeResolver {
  me() {}
}

function graphqlContext(cookie?: string) {
  const req = { method: "POST", url: "/graphql", headers: cookie ? { cookie } : {} } as Record<string, unknown>;
  const context = new ExecutionContextHost([{}, {}, { req, res: untouchableResponse() }, {}], MeResolver, MeResolver.prototype.me);
  context.setType("graphql");
  return { context, req };
}

describe("GraphQL execution contexts", () => {
  const guard = new SessionGuard(latch, new Reflector());

  it("the guard verifies the session from the GraphQL context's request", async () => {
    const session = await latch.createNewSessionWithoutRequestResponse("public", "resolver-user");
    const { context, req } = graphqlContext(`sAccessToken=${session.getAllSessionTokensDangerously().accessToken}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect((req.session as { getUserId(): string }).getUserId()).toBe("resolver-user");
  });

  it("the guard throws (and writes nothing) without a session", async () => {
    const { context } = graphqlContext();
    await expect(guard.canActivate(context)).rejects.toBeInstanceOf(UnauthorisedError);
  });

  it("@Session() reads the session from the GraphQL context", async () => {
    const session = await latch.createNewSessionWithoutRequestResponse("public", "decorated");
    const { context } = graphqlContext(`sAccessToken=${session.getAllSessionTokensDangerously().accessToken}`);
    await guard.canActivate(context);
    // createParamDecorator keeps its factory under the route-args metadata; call it the way Nest does.
    class Probe {
      handler(@Session() _session: unknown) {}
    }
    const metadata = Reflect.getMetadata("__routeArguments__", Probe, "handler") as Record<
      string,
      { factory: (data: unknown, ctx: unknown) => unknown }
    >;
    const factory = Object.values(metadata)[0]?.factory;
    if (!factory) throw new Error("@Session() registered no parameter factory");
    expect((factory(undefined, context) as { getUserId(): string }).getUserId()).toBe("decorated");
  });

  it("the filter turns a Latch error into an HttpException with the protocol's status and body", () => {
    const filter = new LatchExceptionFilter(latch, { httpAdapter: undefined } as unknown as HttpAdapterHost);
    const { context } = graphqlContext();
    let thrown: unknown;
    try {
      filter.catch(new UnauthorisedError("no session", { clearTokens: false }), context);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpException);
    expect((thrown as HttpException).getStatus()).toBe(401);
    expect((thrown as HttpException).getResponse()).toEqual({ message: "unauthorised" });
  });
});

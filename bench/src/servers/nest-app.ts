// The NestJS 12 servers of the adapter scenario on either platform, selected by argv[2]: bare Nest
// (a controller with POST /login and GET /protected), and Latch (LatchModule.forRoot on the memory
// store, SessionGuard and @Session() on the route; with or without the old global interceptor). nestjs-express-servers.ts and
// nestjs-fastify-servers.ts start it on their platform.
import "reflect-metadata";
import { Latch, MemoryStore, type SessionContainer } from "@latch/core";
import { LatchBindingInterceptor, LatchMiddleware, LatchModule, Session, SessionGuard } from "@latch/nestjs";
import { Controller, Get, HttpCode, type MiddlewareConsumer, Module, type NestModule, Post, Req, Res, UseGuards } from "@nestjs/common";
import { APP_INTERCEPTOR, NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";

export async function startNest(platform: "express" | "fastify"): Promise<void> {
  const kind = process.argv[2] ?? "bare";
  const port = Number(process.env.PORT ?? 4000);
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` } });

  @Controller()
  class BareController {
    @Post("login")
    @HttpCode(200)
    login() {
      return { ok: true };
    }

    @Get("protected")
    protectedRoute() {
      return { ok: true };
    }
  }

  @Controller()
  class LatchController {
    @Post("login")
    @HttpCode(200)
    async login(@Req() req: object, @Res({ passthrough: true }) res: object) {
      await latch.createNewSession(req, res, "bench-user");
      return { ok: true };
    }

    @Get("protected")
    @UseGuards(SessionGuard)
    protectedRoute(@Session() session: SessionContainer) {
      return { ok: true, userId: session.getUserId() };
    }
  }

  // "latch-with-binding-interceptor": Latch plus the global interceptor LatchModule registered
  // until OPTIMISATIONS.md change 12, for an A/B of that change in one run.
  // "bare-with-noop-middleware": bare plus one Nest middleware on every route that only calls
  // next(), what serving Latch's routes from a middleware costs (on Fastify, Nest then runs middie).
  // "latch-with-route-middleware": Latch plus LatchMiddleware on every route, as LatchModule served
  // its routes on Fastify until change 14 (the hook answers Latch's routes first).
  const kinds = ["bare", "bare-with-noop-middleware", "latch", "latch-with-binding-interceptor", "latch-with-route-middleware"];
  if (!kinds.includes(kind)) throw new Error(`unknown server ${kind}`);
  const interceptor = kind === "latch-with-binding-interceptor" ? [{ provide: APP_INTERCEPTOR, useClass: LatchBindingInterceptor }] : [];
  @Module(
    kind.startsWith("bare")
      ? { controllers: [BareController] }
      : { imports: [LatchModule.forRoot(latch)], controllers: [LatchController], providers: interceptor },
  )
  class BenchModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      if (kind === "bare-with-noop-middleware")
        consumer.apply((_req: unknown, _res: unknown, next: () => void) => next()).forRoutes("{*path}");
      if (kind === "latch-with-route-middleware") consumer.apply(LatchMiddleware).forRoutes("{*path}");
    }
  }

  const options = { logger: ["error" as const, "warn" as const] };
  const app =
    platform === "fastify"
      ? await NestFactory.create(BenchModule, new FastifyAdapter(), options)
      : await NestFactory.create(BenchModule, options);
  await app.listen(port, "127.0.0.1");
  console.log(`listening on http://127.0.0.1:${port}`);
}

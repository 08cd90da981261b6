import { Latch, type LatchConfig } from "@latch/core";
import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleInit,
  type Provider,
} from "@nestjs/common";
import { APP_FILTER, HttpAdapterHost } from "@nestjs/core";
import { LatchExceptionFilter } from "./exception-filter";
import { type FastifyHooks, serveLatchRoutesOnFastify } from "./fastify-routes";
import { SessionGuard } from "./guard";
import { LatchMiddleware } from "./middleware";
import { loadPlatform } from "./platform";
import { LATCH } from "./tokens";

export interface LatchModuleAsyncOptions {
  imports?: DynamicModule["imports"];
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown) | (new (...args: never[]) => unknown)>;
  /** Returns a Latch config (or a ready instance), e.g. from ConfigService. */
  useFactory: (...args: never[]) => LatchConfig | Latch | Promise<LatchConfig | Latch>;
}

/** Loads the adapter of the platform the app runs on before it serves a request. */
@Injectable()
class LatchPlatformLoader implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    await loadPlatform(this.adapterHost.httpAdapter?.getType());
  }
}

const shared: Provider[] = [
  LatchPlatformLoader,
  SessionGuard,
  { provide: APP_FILTER, useClass: LatchExceptionFilter },
  // No global interceptor: Nest runs its rxjs interceptor pipeline on every route once one is
  // registered; `createNewSession(req, res)` resolves Nest's objects on demand (platform.ts).
];

/**
 * `LatchModule.forRoot(config)`: a global module that serves Latch's routes (a middleware; on Fastify a hook),
 * provides the `Latch` instance (`@Inject(LATCH)`), `SessionGuard`, and registers the exception
 * filter that answers Latch's errors.
 */
@Global()
@Module({})
export class LatchModule implements NestModule {
  static forRoot(config: LatchConfig | Latch): DynamicModule {
    const latch = config instanceof Latch ? config : new Latch(config);
    return {
      module: LatchModule,
      providers: [{ provide: LATCH, useValue: latch }, ...shared],
      exports: [LATCH, SessionGuard],
    };
  }

  static forRootAsync(options: LatchModuleAsyncOptions): DynamicModule {
    return {
      module: LatchModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: LATCH,
          inject: options.inject ?? [],
          useFactory: async (...args: never[]) => {
            const config = await options.useFactory(...args);
            return config instanceof Latch ? config : new Latch(config);
          },
        },
        ...shared,
      ],
      exports: [LATCH, SessionGuard],
    };
  }

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(LATCH) private readonly latch: Latch,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    // On Fastify a hook, not a Nest middleware (which would make Nest run middie on every request).
    // The hook reads Latch's Fastify wrappers when a request comes, after LatchPlatformLoader loaded them.
    if (adapter?.getType() === "fastify") {
      serveLatchRoutesOnFastify(adapter.getInstance<FastifyHooks>(), () => this.latch);
      return;
    }
    consumer.apply(LatchMiddleware).forRoutes("{*path}");
  }
}

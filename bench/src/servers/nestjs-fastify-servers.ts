// NestJS on @nestjs/platform-fastify: bare or latch (argv[2]); see nest-app.ts.
import { startNest } from "./nest-app";

await startNest("fastify");

// NestJS on @nestjs/platform-express: bare or latch (argv[2]); see nest-app.ts.
import { startNest } from "./nest-app";

await startNest("express");

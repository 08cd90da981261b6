import "reflect-metadata";
import type { Latch } from "@latch/core";
import { exampleSettings } from "@latch/example-config";
import { LATCH } from "@latch/nestjs";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { AppModule } from "./app.module";

// The example runs on Express; LATCH_NEST_PLATFORM=fastify runs the same module on Fastify
// (the test suite runs both).
const { port, host } = exampleSettings();
const app =
  process.env.LATCH_NEST_PLATFORM === "fastify"
    ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ["error", "warn"] })
    : await NestFactory.create(AppModule, { logger: ["error", "warn"] });

// CORS for a website on another origin; Latch adds its headers to Access-Control-Expose-Headers itself.
const website = process.env.LATCH_WEBSITE_DOMAIN;
if (website && website !== (process.env.LATCH_API_DOMAIN ?? `http://${host}:${port}`)) {
  const latch = app.get<Latch>(LATCH);
  app.enableCors({ origin: website, credentials: true, allowedHeaders: ["content-type", ...latch.getAllCORSHeaders()] });
}
app.enableShutdownHooks();
await app.listen(port, host);
console.log(`listening on http://${host}:${port}`);

import { Latch } from "@latch/core";
import { latchConfigFromEnv } from "@latch/example-config";
import { LatchModule } from "@latch/nestjs";
import { Module } from "@nestjs/common";
import { AppController } from "./app.controller";

@Module({
  imports: [LatchModule.forRootAsync({ useFactory: async () => new Latch(await latchConfigFromEnv()) })],
  controllers: [AppController],
})
export class AppModule {}

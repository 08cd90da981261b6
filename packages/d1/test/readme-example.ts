import { Latch } from "@latch/core";
import { type D1Database, D1Store } from "@latch/d1";

// One Latch per isolate, on the Worker's D1 binding (`env.DB`): call it from your fetch handler.
let latch: Latch | undefined;
export function latchFor(env: { DB: D1Database }): Latch {
  latch ??= new Latch({ store: new D1Store({ database: env.DB }), appInfo: { apiDomain: "https://api.example.com" } });
  return latch;
}

import { runAdapterConformance } from "@latch/testing/adapter";
import { startLoopbackExample } from "./example-app";

runAdapterConformance({ name: "loopback", start: startLoopbackExample });

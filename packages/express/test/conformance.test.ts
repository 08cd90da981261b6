import { runAdapterConformance } from "@latch/testing/adapter";
import { startExpressExample } from "./example-app";

runAdapterConformance({ name: "express", start: startExpressExample });

import { runAdapterConformance } from "@latch/testing/adapter";
import { startNextExample } from "./example-app";

runAdapterConformance({ name: "nextjs (App Router route handlers through next start)", start: startNextExample });

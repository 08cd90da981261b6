import { runAdapterConformance } from "@latch/testing/adapter";
import { honoHarness } from "./example-app";

runAdapterConformance(honoHarness("deno"));

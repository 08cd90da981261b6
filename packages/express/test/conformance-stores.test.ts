import { runAdapterConformance } from "@latch/testing/adapter";
import { describe, it } from "vitest";
import { startExpressExample } from "./example-app";
import { networkedStores, storeTestsRun } from "./networked-stores";

// The Express example on each networked store (issue 6): the whole protocol, restarts included,
// against the real services. With CI=true an unreachable service fails; elsewhere it is skipped loudly.
for (const store of networkedStores) {
  if (!(await storeTestsRun(store, "the Express conformance suite"))) {
    describe.skip(`express on ${store.name}`, () => it("needs the service", () => {}));
    continue;
  }
  runAdapterConformance({ name: `express on ${store.name}`, start: startExpressExample, storeUrl: store.url });
}

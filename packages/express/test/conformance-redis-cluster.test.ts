import { runAdapterConformance } from "@latch/testing/adapter";
import { type LocalRedisCluster, redisClusterToolsMissing, startRedisCluster } from "@latch/testing/store";
import { afterAll, beforeAll, describe, it } from "vitest";
import { startExpressExample } from "./example-app";

// The Express example on a real 3-master Redis Cluster (issue 18), configured as users would:
// LATCH_STORE=redis+cluster://<one seed node>. The cluster is started on free ports for this file
// and stopped after it.
const missing = await redisClusterToolsMissing();
let cluster: LocalRedisCluster | undefined;

if (missing) {
  console.warn(`\u26a0\ufe0f  SKIPPING the Express conformance suite on Redis Cluster: ${missing}`);
  describe.skip("express on redis cluster", () => it("needs redis-server and redis-cli", () => {}));
} else {
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 30_000);
  runAdapterConformance({
    name: "express on redis cluster",
    start: startExpressExample,
    // Read when each group starts its app, after the cluster is up.
    get storeUrl() {
      if (!cluster) throw new Error("the cluster did not start");
      return `redis+cluster://127.0.0.1:${cluster.ports[0]}`;
    },
  });
}

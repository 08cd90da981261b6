// Preloaded (node --require) into the app the soak test runs, started with --expose-gc: on SIGUSR2
// it collects garbage and prints the heap still in use, so the test compares live memory rather
// than RSS (which a loaded machine's late collections make noisy). Nothing else changes in the app.
process.on("SIGUSR2", () => {
  globalThis.gc?.();
  globalThis.gc?.();
  process.stdout.write(`latch-soak-heap ${process.memoryUsage().heapUsed}\n`);
});

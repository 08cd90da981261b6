process.on("SIGTERM", () => process.exit(0));
const [script, kind] = process.argv.slice(2);
process.argv[2] = kind;
await import(`/work/wt/bench-adapters/bench/src/servers/${script}`);

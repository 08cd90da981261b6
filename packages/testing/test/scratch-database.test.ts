import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createScratchDatabase } from "../src/store/scratch-database";

const run = promisify(execFile);

// The servers every machine of this project runs (see .ci/run); under CI=true they are always there.
const servers = [
  {
    name: "PostgreSQL",
    url: process.env.LATCH_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    sql: async (statement: string) =>
      (await run("psql", ["-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", statement])).stdout,
    listDatabases: "SELECT datname FROM pg_database",
  },
  {
    name: "MariaDB",
    url: process.env.LATCH_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
    sql: async (statement: string) => (await run("mysql", ["-N", "-B", "-h", "127.0.0.1", "-u", "root", "-e", statement])).stdout,
    listDatabases: "SHOW DATABASES",
  },
];

describe.each(servers)("scratch databases on $name", { timeout: 60_000 }, (server) => {
  const databases = async () => (await server.sql(server.listDatabases)).split("\n").map((line) => line.trim());

  it("creates an empty database of its own, named in the URL it returns, and drops it", async () => {
    const scratch = await createScratchDatabase(server.url);
    expect(new URL(scratch.url).pathname).toBe(`/${scratch.name}`);
    expect(new URL(scratch.url).host).toBe(new URL(server.url).host);
    expect(await databases()).toContain(scratch.name);
    await scratch.drop();
    await scratch.drop();
    expect(await databases()).not.toContain(scratch.name);
  });

  it("drops scratch databases a run left behind hours ago, and no others", async () => {
    const abandoned = `latch_t_${(Date.now() - 7 * 60 * 60 * 1000).toString(36)}_0badc0de`;
    const recent = `latch_t_${(Date.now() - 60 * 1000).toString(36)}_0badc0de`;
    await server.sql(`CREATE DATABASE ${abandoned}`);
    await server.sql(`CREATE DATABASE ${recent}`);
    try {
      const scratch = await createScratchDatabase(server.url);
      await scratch.drop();
      const names = await databases();
      expect(names).not.toContain(abandoned);
      expect(names).toContain(recent);
    } finally {
      await server.sql(`DROP DATABASE IF EXISTS ${abandoned}`);
      await server.sql(`DROP DATABASE IF EXISTS ${recent}`);
    }
  });
});

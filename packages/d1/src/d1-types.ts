// The part of Cloudflare's D1 binding the store uses, declared here (as Hono declares Lambda's
// event types) so the package needs neither @cloudflare/workers-types nor a Workers build to load.

/** What `.run()` and `.all()` resolve to. */
export interface D1Result<Row> {
  results: Row[];
  meta: { changes: number };
}

export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  all<Row = Record<string, unknown>>(): Promise<D1Result<Row>>;
  first<Row = Record<string, unknown>>(): Promise<Row | null>;
  run(): Promise<D1Result<unknown>>;
}

/** A D1 database binding (`env.DB` in a Worker, `miniflare.getD1Database("DB")` in a test). */
export interface D1Database {
  prepare(query: string): D1PreparedStatement;
  /** Runs the statements in order as one transaction. */
  batch(statements: D1PreparedStatement[]): Promise<Array<D1Result<unknown>>>;
}

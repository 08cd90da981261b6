import type {
  AntiCsrfMode,
  ClaimValidator,
  CookieSameSite,
  Latch,
  LatchConfig,
  SessionContainer,
  SessionStore,
  SigningAlgorithm,
} from "@latch/core";
import { MemoryStore } from "@latch/core";

/** Reads the example apps' environment (see shared/example-app.md). */
export interface ExampleSettings {
  port: number;
  host: string;
  storeUrl: string;
}

export function exampleSettings(env: NodeJS.ProcessEnv = process.env): ExampleSettings {
  return {
    port: Number(env.PORT ?? 3000),
    host: "127.0.0.1",
    storeUrl: env.LATCH_STORE ?? "sqlite:./latch.db",
  };
}

/** Which package opens each LATCH_STORE scheme; each exports `storeFromUrl(url)`. */
const STORE_PACKAGES: Record<string, string> = {
  sqlite: "@latch/sqlite",
  postgres: "@latch/postgres",
  postgresql: "@latch/postgres",
  mysql: "@latch/mysql",
  redis: "@latch/redis",
  "redis+cluster": "@latch/redis",
};

/**
 * Opens the store a LATCH_STORE URL names: `memory:`, `sqlite:<path>`, `postgres://...`,
 * `mysql://...`, `redis://...`, `redis+cluster://host:port,host:port`. A store package is imported only when its scheme is named.
 */
export async function storeFromUrl(url: string): Promise<SessionStore> {
  if (url === "memory:" || url === "memory") return new MemoryStore();
  const scheme = url.slice(0, url.indexOf(":"));
  const packageName = STORE_PACKAGES[scheme];
  if (!packageName)
    throw new Error(
      `LATCH_STORE: unknown store ${JSON.stringify(url)} (memory:, sqlite:<path>, postgres://, mysql://, redis://, redis+cluster://)`,
    );
  const module = (await import(packageName)) as { storeFromUrl?: (url: string) => SessionStore | Promise<SessionStore> };
  if (!module.storeFromUrl) throw new Error(`${packageName} does not export storeFromUrl`);
  return module.storeFromUrl(url);
}

/** The Latch config of the example apps, from LATCH_* variables. */
export async function latchConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<LatchConfig> {
  const { port, host, storeUrl } = exampleSettings(env);
  const apiDomain = env.LATCH_API_DOMAIN ?? `http://${host}:${port}`;
  return {
    store: await storeFromUrl(storeUrl),
    appInfo: {
      apiDomain,
      websiteDomain: env.LATCH_WEBSITE_DOMAIN ?? apiDomain,
      apiBasePath: env.LATCH_API_BASE_PATH ?? "/auth",
    },
    accessTokenValidity: numberOrUndefined(env.LATCH_ACCESS_TOKEN_VALIDITY),
    refreshTokenValidity: numberOrUndefined(env.LATCH_REFRESH_TOKEN_VALIDITY),
    antiCsrf: (env.LATCH_ANTI_CSRF as AntiCsrfMode | undefined) || undefined,
    cookieSameSite: (env.LATCH_COOKIE_SAME_SITE as CookieSameSite | undefined) || undefined,
    jwtAlgorithm: (env.LATCH_JWT_ALG as SigningAlgorithm | undefined) || undefined,
    // Optional, beyond example-app.md's list: what a deployment would keep in its secret store.
    refreshTokenSecret: env.LATCH_REFRESH_TOKEN_SECRET || undefined,
    maxSessionsPerUser: numberOrUndefined(env.LATCH_MAX_SESSIONS_PER_USER),
  };
}

function numberOrUndefined(value: string | undefined): number | undefined {
  return value === undefined || value === "" ? undefined : Number(value);
}

/** The claim validator of `GET /admin/only`: the payload must say `"role": "admin"`. */
export const adminRoleValidator: ClaimValidator = {
  id: "role",
  validate: (payload) =>
    payload.role === "admin"
      ? { isValid: true }
      : { isValid: false, reason: { message: "wrong value", expectedValue: "admin", actualValue: payload.role ?? null } },
};

/** One entry of `GET /me/sessions`: a device the user is signed in on. */
export interface DeviceSession {
  sessionHandle: string;
  /** True for the session making the request ("this device"). */
  current: boolean;
  createdAt: number;
  lastActiveAt: number;
  userAgent: string | null;
  ip: string | null;
}

/** The body of `GET /me/sessions`: the caller's sessions in their tenant, oldest first. */
export async function sessionsOfCaller(
  latch: Latch,
  session: SessionContainer,
): Promise<{ sessionHandles: string[]; sessions: DeviceSession[] }> {
  const sessions: DeviceSession[] = [];
  let cursor: string | undefined;
  do {
    const page = await latch.listSessionsForUser(session.getUserId(), { tenantId: session.getTenantId(), cursor });
    for (const info of page.sessions) {
      sessions.push({
        sessionHandle: info.sessionHandle,
        current: info.sessionHandle === session.getHandle(),
        createdAt: info.createdAt,
        lastActiveAt: info.lastActiveAt,
        userAgent: info.userAgent,
        ip: info.ip,
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { sessionHandles: sessions.map((entry) => entry.sessionHandle), sessions };
}

/** The body of `POST /me/revoke-others`: every session of the caller's user but the caller's is revoked. */
export async function revokeOtherSessionsOfCaller(latch: Latch, session: SessionContainer): Promise<{ revoked: number }> {
  const revoked = await latch.revokeOtherSessionsForUser(session.getUserId(), session.getHandle());
  return { revoked: revoked.length };
}

import { CompactSign, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { normaliseConfig } from "../src/config";
import { Latch, type LatchConfig, MemoryStore, type SessionStore, type SigningKeyRecord } from "../src/index";
import { SigningKeys } from "../src/tokens/signing-keys";

const HOUR = 3_600_000;

function latchWith(store: SessionStore, overrides: Partial<LatchConfig> = {}): Latch {
  return new Latch({ store, appInfo: { apiDomain: "http://127.0.0.1:3000" }, ...overrides });
}

function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid;
}

/** A MemoryStore whose signing-key calls take a few random milliseconds, as a networked store's would. */
function slowKeyStore(): MemoryStore {
  const store = new MemoryStore();
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
  const get = store.getSigningKeys.bind(store);
  const add = store.addSigningKey.bind(store);
  store.getSigningKeys = async () => {
    await pause();
    return get();
  };
  store.addSigningKey = async (key) => {
    await pause();
    await add(key);
  };
  return store;
}

async function loginBurst(servers: Latch[], count: number): Promise<Set<string>> {
  const sessions = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      (servers[i % servers.length] as Latch).createNewSessionWithoutRequestResponse("public", `u${i}`),
    ),
  );
  return new Set(sessions.map((s) => kidOf(s.getAllSessionTokensDangerously().accessToken)));
}

/** A key as Latch made them before `d-` kids: `latch-<alg>-<uuid>`. */
async function legacyKey(createdAt: number): Promise<SigningKeyRecord> {
  const kid = `latch-rs256-${crypto.randomUUID()}`;
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return {
    kid,
    algorithm: "RS256",
    privateJwk: JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: "RS256" }),
    publicJwk: JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }),
    createdAt,
  };
}

describe("signing keys on a cold start", { timeout: 30_000 }, () => {
  it("10 concurrent first logins on one server make one RS256 key, with a d- kid", async () => {
    const store = slowKeyStore();
    const kids = await loginBurst([latchWith(store)], 10);
    expect(kids.size).toBe(1);
    const stored = await store.getSigningKeys();
    expect(stored.map((k) => k.kid)).toEqual([...kids]);
    expect(stored[0]?.kid).toMatch(/^d-rs256-\d+$/);
  });

  it("two servers sharing a store end a cold burst with one key, and both sign with it", async () => {
    const store = slowKeyStore();
    const servers = [latchWith(store), latchWith(store)];
    const kids = await loginBurst(servers, 20);
    expect(kids.size).toBe(1);
    expect(await store.getSigningKeys()).toHaveLength(1);
    for (const server of servers) expect((await server.getJWKS()).keys.map((k) => k.kid)).toEqual([...kids]);
  });

  it("servers rotating at once (the interval ended) add one new key between them", async () => {
    const store = slowKeyStore();
    const config = normaliseConfig({ store, appInfo: { apiDomain: "http://127.0.0.1:3000" } });
    const [a, b] = [new SigningKeys(config), new SigningKeys(config)];
    const start = Date.now();
    const first = await a.getSigningKey(start);
    const later = start + 168 * HOUR + 1;
    const rotated = await Promise.all([a.getSigningKey(later), b.getSigningKey(later), a.getSigningKey(later), b.getSigningKey(later)]);
    expect(new Set(rotated.map((k) => k.record.kid)).size).toBe(1);
    expect(rotated[0]?.record.kid).not.toBe(first.record.kid);
    expect((await store.getSigningKeys()).map((k) => k.kid).sort()).toEqual([first.record.kid, rotated[0]?.record.kid].sort());
  });
});

describe("static signing key", { timeout: 30_000 }, () => {
  it("signs with s-<alg> and never rotates", async () => {
    const store = new MemoryStore();
    // 0.0005 hours = 1.8 s: long enough to see that it is ignored for the static key.
    const latch = latchWith(store, { useDynamicAccessTokenSigningKey: false, signingKeyRotationInterval: 0.0005 });
    const kids = await loginBurst([latch, latchWith(store, { useDynamicAccessTokenSigningKey: false })], 6);
    expect([...kids]).toEqual(["s-rs256"]);
    const keys = new SigningKeys(
      normaliseConfig({ store, appInfo: { apiDomain: "http://127.0.0.1:3000" }, useDynamicAccessTokenSigningKey: false }),
    );
    expect((await keys.getSigningKey(Date.now() + 1000 * HOUR)).record.kid).toBe("s-rs256");
    expect(await store.getSigningKeys()).toHaveLength(1);
  });

  it("takes over from rotating keys, which stay published until their tokens have expired", async () => {
    const store = new MemoryStore();
    const base = { store, appInfo: { apiDomain: "http://127.0.0.1:3000" } };
    const start = Date.now();
    const dynamic = await new SigningKeys(normaliseConfig(base)).getSigningKey(start);
    const keys = new SigningKeys(normaliseConfig({ ...base, useDynamicAccessTokenSigningKey: false }));
    expect((await keys.getSigningKey(start + 1000)).record.kid).toBe("s-rs256");
    expect((await keys.getPublicJwks(start + 1000)).map((k) => k.kid).sort()).toEqual([dynamic.record.kid, "s-rs256"].sort());
    // The d- key stopped signing when s-rs256 was made; an hour of tokens plus the margin later it goes.
    const expiredAll = start + 1000 + HOUR + 5 * 60_000 + 61_000;
    const restarted = new SigningKeys(normaliseConfig({ ...base, useDynamicAccessTokenSigningKey: false }));
    expect((await restarted.getPublicJwks(expiredAll)).map((k) => k.kid)).toEqual(["s-rs256"]);
    expect((await store.getSigningKeys()).map((k) => k.kid)).toEqual(["s-rs256"]);
  });
});

describe("keys made before d- kids (latch-…)", { timeout: 30_000 }, () => {
  it("still verify their tokens, never sign again, and retire like any replaced key", async () => {
    const store = new MemoryStore();
    const start = Date.now();
    const legacy = await legacyKey(start - 1000);
    await store.addSigningKey(legacy);
    const latch = latchWith(store);
    // A token signed by the old key, as an older Latch issued it.
    const old = await latch.createNewSessionWithoutRequestResponse("public", "olga");
    const oldPayload = old.getAccessTokenPayload();
    const { importJWK } = await import("jose");
    const legacyToken = await new CompactSign(new TextEncoder().encode(JSON.stringify(oldPayload)))
      .setProtectedHeader({ alg: "RS256", kid: legacy.kid, typ: "JWT" })
      .sign(await importJWK(JSON.parse(legacy.privateJwk), "RS256"));
    expect((await latch.getSessionWithoutRequestResponse(legacyToken)).getUserId()).toBe("olga");
    // The new session was signed with a d- key although the legacy key is younger than the interval.
    expect(kidOf(old.getAllSessionTokensDangerously().accessToken)).toMatch(/^d-rs256-/);
    expect((await latch.getJWKS()).keys.map((k) => k.kid)).toContain(legacy.kid);

    const keys = new SigningKeys(normaliseConfig({ store, appInfo: { apiDomain: "http://127.0.0.1:3000" } }));
    const later = start + HOUR + 5 * 60_000 + 61_000;
    expect((await keys.getPublicJwks(later)).map((k) => k.kid)).not.toContain(legacy.kid);
    expect((await store.getSigningKeys()).map((k) => k.kid)).not.toContain(legacy.kid);
  });
});

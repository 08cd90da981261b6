import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { NormalisedConfig } from "../config";
import type { Logger } from "../log";
import type { SessionStore, SigningAlgorithm, SigningKeyRecord } from "../store/session-store";

/** A signing key ready for use: jose's key objects are imported once and cached. */
export interface LoadedKey {
  record: SigningKeyRecord;
  privateKey: CryptoKey | Uint8Array;
  publicKey: CryptoKey | Uint8Array;
  publicJwk: JWK;
}

/** An unknown `kid` makes us re-read the store at most this often (a flood of forged kids stays cheap). */
const UNKNOWN_KID_COOLDOWN_MS = 10_000;
/** Even without unknown kids, re-read the store this often to pick up keys other servers added. */
const KEY_CACHE_TTL_MS = 60_000;
/** Clock skew allowed between servers when deciding a retired key is no longer needed. */
const RETIREMENT_MARGIN_MS = 5 * 60_000;

/**
 * Key ids follow SuperTokens' convention, which its backend SDKs check: `d-` for a key that
 * rotates ("dynamic"), `s-` for the one static key. Keys from before that (`latch-…`) still verify
 * until they retire, but never sign again.
 */
type KeyKind = "dynamic" | "static" | "legacy";

function keyKind(kid: string): KeyKind {
  return kid.startsWith("d-") ? "dynamic" : kid.startsWith("s-") ? "static" : "legacy";
}

/**
 * The key id every server computes for the same moment: rotating keys are named after the start
 * of their rotation slot, the static key after its algorithm. Because the store adds a `kid` only
 * when it is absent, servers that rotate at once all end up with the one key whose add came first.
 */
function kidFor(algorithm: SigningAlgorithm, dynamic: boolean, rotationIntervalMs: number, now: number): string {
  const alg = algorithm.toLowerCase();
  if (!dynamic) return `s-${alg}`;
  const slotStart = Math.floor(now / rotationIntervalMs) * rotationIntervalMs;
  return `d-${alg}-${slotStart}`;
}

/**
 * Keeps the signing keys: generated on first use and stored in the session store so that every
 * server sharing the store signs and verifies with the same keys. A rotating key signs for
 * `signingKeyRotationInterval`; after a newer one takes over it stays in the JWKS (and verifies)
 * for the access-token lifetime plus a margin, then it is deleted. The static key never rotates.
 *
 * A cold burst makes one key: concurrent callers in this process share one generation, and other
 * processes generate under the same `kid`, which the store keeps once (the first add wins; the
 * others re-read and adopt it, so a losing key is never stored and never signs).
 */
export class SigningKeys {
  readonly #store: SessionStore;
  readonly #log: Logger;
  readonly #algorithm: SigningAlgorithm;
  readonly #dynamic: boolean;
  readonly #rotationIntervalMs: number;
  readonly #retentionMs: number;
  #keys = new Map<string, LoadedKey>();
  #loadedAt = 0;
  #lastUnknownKidReload = 0;
  #loading: Promise<void> | undefined;
  #generating: Promise<LoadedKey> | undefined;

  constructor(config: NormalisedConfig) {
    this.#store = config.store;
    this.#log = config.logger;
    this.#algorithm = config.jwtAlgorithm;
    this.#dynamic = config.useDynamicAccessTokenSigningKey;
    this.#rotationIntervalMs = config.signingKeyRotationIntervalMs;
    this.#retentionMs = config.accessTokenValiditySeconds * 1000 + RETIREMENT_MARGIN_MS;
  }

  get algorithm(): SigningAlgorithm {
    return this.#algorithm;
  }

  /** The key that signs now, creating (and storing) one when there is none. */
  async getSigningKey(now = Date.now()): Promise<LoadedKey> {
    await this.#refreshIfStale(now);
    const current = this.#current(now);
    if (current) return current;
    await this.#reload(now);
    return this.#current(now) ?? (await this.#generate(now));
  }

  /** The key for `kid`, re-reading the store (rate-limited) when it is not known yet. */
  async getVerificationKey(kid: string, now = Date.now()): Promise<LoadedKey | undefined> {
    await this.#refreshIfStale(now);
    const known = this.#keys.get(kid);
    if (known || now - this.#lastUnknownKidReload < UNKNOWN_KID_COOLDOWN_MS) return known;
    this.#lastUnknownKidReload = now;
    await this.#reload(now);
    return this.#keys.get(kid);
  }

  /** Public keys for the JWKS endpoint. */
  async getPublicJwks(now = Date.now()): Promise<JWK[]> {
    await this.getSigningKey(now);
    return [...this.#keys.values()].map((key) => key.publicJwk);
  }

  /**
   * With keys in hand, a stale cache is refreshed in the background: requests never wait for it,
   * and a store that is briefly down does not stop verification with the keys we already have.
   */
  async #refreshIfStale(now: number): Promise<void> {
    if (now - this.#loadedAt <= KEY_CACHE_TTL_MS) return;
    if (this.#keys.size === 0) return this.#reload(now);
    this.#reload(now).catch(() => {
      // Keep the cached keys; the next stale check tries again.
    });
  }

  async #reload(now: number): Promise<void> {
    // Concurrent callers share one store read.
    this.#loading ??= this.#load(now).finally(() => {
      this.#loading = undefined;
    });
    await this.#loading;
  }

  async #load(now: number): Promise<void> {
    const records = (await this.#store.getSigningKeys()).filter((r) => r.algorithm === this.#algorithm);
    const keys = new Map<string, LoadedKey>();
    for (const record of records) {
      keys.set(record.kid, this.#keys.get(record.kid) ?? (await importRecord(record)));
    }
    this.#keys = keys;
    this.#loadedAt = now;
    await this.#pruneRetired(now);
  }

  /**
   * One generation at a time in this process (a cold burst of logins would otherwise make a key
   * each). The store keeps the first key added under a `kid`; we sign with whatever it kept.
   */
  #generate(now: number): Promise<LoadedKey> {
    this.#generating ??= (async () => {
      const kid = kidFor(this.#algorithm, this.#dynamic, this.#rotationIntervalMs, now);
      await this.#store.addSigningKey(await generateRecord(this.#algorithm, kid, now));
      await this.#reload(now);
      const adopted = this.#keys.get(kid);
      if (!adopted) throw new Error(`signing key ${kid} is missing from the store right after it was added`);
      // Another server may have added this period's key first; then this one was never stored.
      // The kid is public (JWKS, token headers), but logs name no key material of any kind.
      if (adopted.record.createdAt === now) this.#log.info(`created a new ${this.#algorithm} signing key`);
      return adopted;
    })().finally(() => {
      this.#generating = undefined;
    });
    return this.#generating;
  }

  /** The static key, or the newest rotating key still inside its interval. */
  #current(now: number): LoadedKey | undefined {
    if (!this.#dynamic) return this.#keys.get(kidFor(this.#algorithm, false, this.#rotationIntervalMs, now));
    let newest: LoadedKey | undefined;
    for (const key of this.#keys.values()) {
      if (keyKind(key.record.kid) !== "dynamic") continue;
      // Ties (clocks that disagree at a slot's edge) break on kid so every server picks the same key.
      if (
        !newest ||
        key.record.createdAt > newest.record.createdAt ||
        (key.record.createdAt === newest.record.createdAt && key.record.kid > newest.record.kid)
      ) {
        newest = key;
      }
    }
    return newest && now - newest.record.createdAt < this.#rotationIntervalMs ? newest : undefined;
  }

  /**
   * Deletes keys that no token still alive can carry: a key stops signing when a newer key is
   * created, and a rotating (or pre-`d-`) key at the latest when its interval ends; it retires once
   * that moment is older than the access-token lifetime plus a margin. The key that signs now stays.
   */
  async #pruneRetired(now: number): Promise<void> {
    const current = this.#current(now)?.record.kid;
    const byAge = [...this.#keys.values()].map((k) => k.record).sort((a, b) => a.createdAt - b.createdAt);
    const retired: string[] = [];
    byAge.forEach((record, i) => {
      if (record.kid === current) return;
      const successor = byAge.slice(i + 1).find((next) => next.createdAt > record.createdAt);
      const intervalEnd = keyKind(record.kid) === "static" ? Number.POSITIVE_INFINITY : record.createdAt + this.#rotationIntervalMs;
      const stoppedSigning = Math.min(successor?.createdAt ?? Number.POSITIVE_INFINITY, intervalEnd);
      if (now - stoppedSigning > this.#retentionMs) retired.push(record.kid);
    });
    if (retired.length > 0) {
      await this.#store.removeSigningKeys(retired);
      this.#log.info(`removed ${retired.length} retired signing key(s)`);
      for (const kid of retired) this.#keys.delete(kid);
    }
  }
}

async function generateRecord(algorithm: SigningAlgorithm, kid: string, now: number): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, {
    extractable: true,
    ...(algorithm === "EdDSA" ? { crv: "Ed25519" } : {}),
  });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: algorithm };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: "sig" };
  return { kid, algorithm, privateJwk: JSON.stringify(privateJwk), publicJwk: JSON.stringify(publicJwk), createdAt: now };
}

async function importRecord(record: SigningKeyRecord): Promise<LoadedKey> {
  const privateJwk = JSON.parse(record.privateJwk) as JWK;
  const publicJwk = JSON.parse(record.publicJwk) as JWK;
  return {
    record,
    privateKey: await importJWK(privateJwk, record.algorithm),
    publicKey: await importJWK(publicJwk, record.algorithm),
    publicJwk,
  };
}

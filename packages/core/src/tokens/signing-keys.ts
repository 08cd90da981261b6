import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { NormalisedConfig } from "../config";
import type { Logger } from "../log";
import type { SessionStore, SigningAlgorithm, SigningKeyRecord } from "../store/session-store";
import { randomUuid } from "../util/crypto";

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
 * Keeps the signing keys: generated on first use and stored in the session store so that every
 * server sharing the store signs and verifies with the same keys. A key signs for
 * `signingKeyRotationInterval`; after a newer one takes over it stays in the JWKS (and verifies)
 * for the access-token lifetime plus a margin, then it is deleted.
 */
export class SigningKeys {
  readonly #store: SessionStore;
  readonly #log: Logger;
  readonly #algorithm: SigningAlgorithm;
  readonly #rotationIntervalMs: number;
  readonly #retentionMs: number;
  #keys = new Map<string, LoadedKey>();
  #loadedAt = 0;
  #lastUnknownKidReload = 0;
  #loading: Promise<void> | undefined;

  constructor(config: NormalisedConfig) {
    this.#store = config.store;
    this.#log = config.logger;
    this.#algorithm = config.jwtAlgorithm;
    this.#rotationIntervalMs = config.signingKeyRotationIntervalMs;
    this.#retentionMs = config.accessTokenValiditySeconds * 1000 + RETIREMENT_MARGIN_MS;
  }

  get algorithm(): SigningAlgorithm {
    return this.#algorithm;
  }

  /** The newest key of the configured algorithm, creating (and storing) one when none is fresh. */
  async getSigningKey(now = Date.now()): Promise<LoadedKey> {
    await this.#refreshIfStale(now);
    let newest = this.#newest();
    if (!newest || now - newest.record.createdAt >= this.#rotationIntervalMs) {
      await this.#reload();
      newest = this.#newest();
      if (!newest || now - newest.record.createdAt >= this.#rotationIntervalMs) {
        await this.#rotate(now);
        newest = this.#newest();
      }
    }
    if (!newest) throw new Error("no signing key after rotation");
    return newest;
  }

  /** The key for `kid`, re-reading the store (rate-limited) when it is not known yet. */
  async getVerificationKey(kid: string, now = Date.now()): Promise<LoadedKey | undefined> {
    await this.#refreshIfStale(now);
    const known = this.#keys.get(kid);
    if (known || now - this.#lastUnknownKidReload < UNKNOWN_KID_COOLDOWN_MS) return known;
    this.#lastUnknownKidReload = now;
    await this.#reload();
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
    if (this.#keys.size === 0) return this.#reload();
    this.#reload().catch(() => {
      // Keep the cached keys; the next stale check tries again.
    });
  }

  async #reload(): Promise<void> {
    // Concurrent callers share one store read.
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    await this.#loading;
  }

  async #load(): Promise<void> {
    const records = (await this.#store.getSigningKeys()).filter((r) => r.algorithm === this.#algorithm);
    const keys = new Map<string, LoadedKey>();
    for (const record of records) {
      keys.set(record.kid, this.#keys.get(record.kid) ?? (await importRecord(record)));
    }
    this.#keys = keys;
    this.#loadedAt = Date.now();
  }

  async #rotate(now: number): Promise<void> {
    const record = await generateRecord(this.#algorithm, now);
    await this.#store.addSigningKey(record);
    // The kid is public (JWKS, token headers), but logs name no key material of any kind.
    this.#log.info(`created a new ${record.algorithm} signing key`);
    await this.#reload();
    await this.#pruneRetired(now);
  }

  /** Deletes keys whose successor has signed for longer than any token they signed can live. */
  async #pruneRetired(now: number): Promise<void> {
    const byAge = [...this.#keys.values()].sort((a, b) => a.record.createdAt - b.record.createdAt);
    const retired: string[] = [];
    for (let i = 0; i < byAge.length - 1; i++) {
      const successor = byAge[i + 1] as LoadedKey;
      if (now - successor.record.createdAt > this.#retentionMs) retired.push((byAge[i] as LoadedKey).record.kid);
    }
    if (retired.length > 0) {
      await this.#store.removeSigningKeys(retired);
      this.#log.info(`removed ${retired.length} retired signing key(s)`);
      for (const kid of retired) this.#keys.delete(kid);
    }
  }

  #newest(): LoadedKey | undefined {
    let newest: LoadedKey | undefined;
    for (const key of this.#keys.values()) {
      // Ties (two servers rotating at once) break on kid so every server picks the same key.
      if (
        !newest ||
        key.record.createdAt > newest.record.createdAt ||
        (key.record.createdAt === newest.record.createdAt && key.record.kid > newest.record.kid)
      ) {
        newest = key;
      }
    }
    return newest;
  }
}

async function generateRecord(algorithm: SigningAlgorithm, now: number): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, {
    extractable: true,
    ...(algorithm === "EdDSA" ? { crv: "Ed25519" } : {}),
  });
  const kid = `latch-${algorithm.toLowerCase()}-${randomUuid()}`;
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

import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Outside the workspace, so no app can resolve a workspace package by walking up. */
const SHARED_ROOT = join(tmpdir(), "latch-consumer");
/**
 * This checkout's apps and tarballs: runs from several checkouts on one machine (worktrees, CI)
 * each delete and rewrite their own, never another run's.
 */
export const CONSUMER_ROOT = join(
  SHARED_ROOT,
  createHash("sha256")
    .update(resolve(import.meta.dirname, "../.."))
    .digest("hex")
    .slice(0, 12),
);
export const TARBALLS = join(CONSUMER_ROOT, "tarballs");
/** One npm cache for every app, checkout and run (npm's cache is safe to share): reruns install from it. */
export const NPM_CACHE = join(SHARED_ROOT, "npm-cache");

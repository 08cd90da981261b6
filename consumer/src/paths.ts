import { tmpdir } from "node:os";
import { join } from "node:path";

/** Outside the workspace, so no app can resolve a workspace package by walking up. */
export const CONSUMER_ROOT = join(tmpdir(), "latch-consumer");
export const TARBALLS = join(CONSUMER_ROOT, "tarballs");
/** One npm cache for every app and every run: reruns install from it. */
export const NPM_CACHE = join(CONSUMER_ROOT, "npm-cache");

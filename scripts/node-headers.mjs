// Root preinstall: native addons (better-sqlite3) compile against Node's headers, which node-gyp
// downloads from nodejs.org unless it already has them. Where the system ships the headers of
// this very Node in /usr/include/node (as this project's machines do, with no internet), put them
// where node-gyp looks, so `pnpm install` needs no download and no extra environment variable.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const systemHeaders = "/usr/include/node";
const versionHeader = join(systemHeaders, "node_version.h");

if (process.env.npm_config_nodedir || !existsSync(versionHeader)) process.exit(0);
const header = readFileSync(versionHeader, "utf8");
const part = (name) => header.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
const systemVersion = `${part("MAJOR")}.${part("MINOR")}.${part("PATCH")}`;
if (`v${systemVersion}` !== process.version) process.exit(0);

const devDir = process.env.npm_config_devdir || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "node-gyp");
const versionDir = join(devDir, systemVersion);
if (existsSync(join(versionDir, "include", "node", "node_version.h"))) process.exit(0);

mkdirSync(join(versionDir, "include"), { recursive: true });
symlinkSync(systemHeaders, join(versionDir, "include", "node"));
// node-gyp re-downloads when this number is below its own ("installVersion" in its package.json).
writeFileSync(join(versionDir, "installVersion"), "11\n");
console.log(`node-headers: using ${systemHeaders} for node-gyp (${versionDir})`);

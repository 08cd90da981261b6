import { createHash } from "node:crypto";

/** A Lua script run with EVALSHA (sent in full only when the server does not have it yet). */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function lua(source: string): LuaScript {
  return { source, sha1: createHash("sha1").update(source).digest("hex") };
}

// Every script touches only keys of one user (one hash tag, so one Cluster slot); session keys are
// built from ARGV ("<user tag>:s:" .. handle) because a user's handles are only known inside the script.

/**
 * KEYS: session, user index. ARGV: handle, now, expiresAt, then the hash's field/value pairs.
 * Returns 0 when the session exists. Also drops index entries that expired (their hashes are gone by TTL).
 */
export const CREATE = lua(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], last[2])
return 1
`);

/**
 * Shared by the scripts that revoke: records the handles in the slot's feed (a sorted set scored by
 * revokedAt), prunes at most 100 entries older than the cutoff (bounded work per call; the key's
 * expiry removes an idle feed whole), keeps the key until keepUntil, and PUBLISHes them. Called
 * before the deletions: a wrong-typed feed key fails the script before it changed anything (Redis
 * does not roll a script back), and PUBLISH is delivered only because the script ran.
 * feedArgs: revokedAt, cutoff, keepUntil, channel.
 */
const RECORD = `
local function record(feed, handles, revokedAt, cutoff, keepUntil)
  if #handles == 0 then return end
  for _, handle in ipairs(handles) do redis.call('ZADD', feed, revokedAt, handle) end
  local old = redis.call('ZRANGEBYSCORE', feed, '-inf', '(' .. cutoff, 'LIMIT', 0, 100)
  if #old > 0 then redis.call('ZREM', feed, unpack(old)) end
  if redis.call('PEXPIRETIME', feed) < tonumber(keepUntil) then redis.call('PEXPIREAT', feed, keepUntil) end
end
local function announce(channel, handles, revokedAt)
  if #handles > 0 then redis.call('PUBLISH', channel, cjson.encode({ t = revokedAt, h = handles })) end
end
`;

/**
 * KEYS: session, user index, revocation feed. ARGV: handle, now, expiresAt, session key prefix, cap,
 * revokedAt, cutoff, keepUntil, channel, then the hash's field/value pairs. CREATE, then deletes the
 * user's oldest live sessions (by createdAt, then handle) past the cap, never the new one, recording
 * them in the feed first. Returns the deleted handles, or false when the session exists.
 */
export const CREATE_WITHIN_CAP = lua(`${RECORD}
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
local others = {}
for _, handle in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf')) do
  if handle ~= ARGV[1] then
    local created = redis.call('HGET', ARGV[4] .. handle, 'createdAt')
    if created then others[#others + 1] = { tonumber(created), handle } end
  end
end
table.sort(others, function(a, b)
  if a[1] ~= b[1] then return a[1] < b[1] end
  return a[2] < b[2]
end)
local revoked = {}
for i = 1, #others - (tonumber(ARGV[5]) - 1) do revoked[#revoked + 1] = others[i][2] end
record(KEYS[3], revoked, ARGV[6], ARGV[7], ARGV[8])
redis.call('HSET', KEYS[1], unpack(ARGV, 10))
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
for _, handle in ipairs(revoked) do
  redis.call('DEL', ARGV[4] .. handle)
  redis.call('ZREM', KEYS[2], handle)
end
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], last[2])
announce(ARGV[9], revoked, ARGV[6])
return revoked
`);

/** KEYS: session, user index. ARGV: expected hash, new hash, rotatedAt, newExpiresAt, handle. Compare-and-set. */
export const ROTATE = lua(`
local current = redis.call('HGET', KEYS[1], 'refreshTokenHash2')
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'parentRefreshTokenHash2', current, 'refreshTokenHash2', ARGV[2],
  'refreshTokenRotatedAt', ARGV[3], 'expiresAt', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], last[2])
return 1
`);

/** KEYS: session. ARGV: field, value. Sets the field only on an existing session. */
export const UPDATE_FIELD = lua(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

/**
 * KEYS: session, user index, revocation feed. ARGV: handle, revokedAt, cutoff, keepUntil, channel.
 * Returns 1 when the session existed (and was recorded in the feed).
 */
export const REVOKE = lua(`${RECORD}
local existed = redis.call('EXISTS', KEYS[1])
if existed == 1 then record(KEYS[3], { ARGV[1] }, ARGV[2], ARGV[3], ARGV[4]) end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if existed == 1 then announce(ARGV[5], { ARGV[1] }, ARGV[2]) end
return existed
`);

/**
 * KEYS: user index, revocation feed. ARGV: session key prefix, "1" to filter by tenant, tenant,
 * revokedAt, cutoff, keepUntil, channel. Returns the deleted handles (recorded in the feed);
 * index entries whose session already expired are dropped too.
 */
export const REVOKE_USER = lua(`${RECORD}
local revoked = {}
local stale = {}
for _, handle in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local tenant = redis.call('HGET', ARGV[1] .. handle, 'tenantId')
  if not tenant then
    stale[#stale + 1] = handle
  elseif ARGV[2] ~= '1' or tenant == ARGV[3] then
    revoked[#revoked + 1] = handle
  end
end
record(KEYS[2], revoked, ARGV[4], ARGV[5], ARGV[6])
for _, handle in ipairs(revoked) do
  redis.call('DEL', ARGV[1] .. handle)
  redis.call('ZREM', KEYS[1], handle)
end
for _, handle in ipairs(stale) do redis.call('ZREM', KEYS[1], handle) end
announce(ARGV[7], revoked, ARGV[4])
return revoked
`);

/** KEYS: user index. ARGV: session key prefix, now, "1" to filter by tenant, tenant. Live handles. */
export const LIST_USER = lua(`
local handles = {}
for _, handle in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf')) do
  local tenant = redis.call('HGET', ARGV[1] .. handle, 'tenantId')
  if tenant and (ARGV[3] ~= '1' or tenant == ARGV[4]) then handles[#handles + 1] = handle end
end
return handles
`);

/** KEYS: user index. ARGV: session key prefix, now. Deletes sessions with expiresAt <= now; returns their handles. */
export const DELETE_EXPIRED = lua(`
local deleted = {}
for _, handle in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])) do
  if redis.call('DEL', ARGV[1] .. handle) == 1 then deleted[#deleted + 1] = handle end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
return deleted
`);

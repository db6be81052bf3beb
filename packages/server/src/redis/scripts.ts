import { LuaScript } from './connection.js';

/**
 * One publish, atomic on the Redis server. KEYS: seq, log, epoch, the message states hash and its seq index, then
 * the cid key (ARGV[10] = '1') and the lock key (ARGV[9] = the fence) when used. ARGV: head and tail of the message
 * JSON (the seq goes between), logSize, pub/sub name, message id, cid TTL (s), a new epoch (used only when the log has
 * none), retention (ms, 0 = keep), fence, has-cid flag, event name.
 *
 * A log whose counter is gone while its stream is not (a deleted key) starts over: the stream is dropped and a new
 * epoch begins, so numbers are never reused silently. A log starting from 1 starts without message states (any left
 * belong to an earlier log), and states are kept as long as the log (the same retention). Returns {1, seq, epoch}
 * (stored), {0, 'seq:id', epoch} (a known cid) or {-1} (the fence no longer holds the lock).
 */
export const publishScript = new LuaScript(`
local fence = ARGV[9]
local cidKey = nil
local nextKey = 6
if ARGV[10] == '1' then cidKey = KEYS[nextKey]; nextKey = nextKey + 1 end
if fence ~= '' then
  if redis.call('GET', KEYS[nextKey]) ~= fence then return {-1} end
end
if cidKey then
  local known = redis.call('GET', cidKey)
  if known then return {0, known, redis.call('GET', KEYS[3]) or ''} end
end
local head = redis.call('GET', KEYS[1])
local epoch = redis.call('GET', KEYS[3])
if not head then
  redis.call('DEL', KEYS[4], KEYS[5])
  if redis.call('EXISTS', KEYS[2]) == 1 then
    redis.call('DEL', KEYS[2])
    epoch = false
  end
end
if not epoch then
  epoch = ARGV[7]
  redis.call('SET', KEYS[3], epoch)
end
local seq = string.format('%d', (tonumber(head) or 0) + 1)
local json = ARGV[1] .. seq .. ARGV[2]
redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[3], '0-' .. seq, 'm', json, 'e', ARGV[11])
redis.call('SET', KEYS[1], seq)
if cidKey then
  redis.call('SET', cidKey, seq .. ':' .. ARGV[5], 'EX', ARGV[6])
end
local retention = tonumber(ARGV[8])
if retention > 0 then
  redis.call('PEXPIRE', KEYS[1], retention)
  redis.call('PEXPIRE', KEYS[2], retention)
  redis.call('PEXPIRE', KEYS[3], retention)
  redis.call('PEXPIRE', KEYS[4], retention)
  redis.call('PEXPIRE', KEYS[5], retention)
end
redis.call('PUBLISH', ARGV[4], 'm' .. epoch .. '\\n' .. json)
return {1, seq, epoch}
`);

/**
 * Reads a channel's log. KEYS: seq, log, epoch, the message states hash and its seq index. ARGV: mode ('after',
 * 'before' or 'edge'), the bound (an exclusive stream id, or '+'), the count limit ('' for none), a new epoch (used
 * when the channel has none: reading gives it one, so a client that saw an empty channel learns when that log is lost),
 * retention (ms, 0 = keep). Reading keeps a channel's keys (and message states) alive as publishing does. Returns
 * {head, epoch, json…}.
 */
export const historyScript = new LuaScript(`
local head = redis.call('GET', KEYS[1]) or '0'
local epoch = redis.call('GET', KEYS[3])
local retention = tonumber(ARGV[5])
if not epoch then
  epoch = ARGV[4]
  redis.call('SET', KEYS[3], epoch)
end
if retention > 0 then
  redis.call('PEXPIRE', KEYS[3], retention)
  if head ~= '0' then
    redis.call('PEXPIRE', KEYS[1], retention)
    redis.call('PEXPIRE', KEYS[2], retention)
    redis.call('PEXPIRE', KEYS[4], retention)
    redis.call('PEXPIRE', KEYS[5], retention)
  end
end
local out = {head, epoch}
if ARGV[1] == 'edge' then return out end
local entries
if ARGV[1] == 'after' then
  if ARGV[3] == '' then entries = redis.call('XRANGE', KEYS[2], ARGV[2], '+')
  else entries = redis.call('XRANGE', KEYS[2], ARGV[2], '+', 'COUNT', ARGV[3]) end
else
  if ARGV[3] == '' then entries = redis.call('XREVRANGE', KEYS[2], ARGV[2], '-')
  else entries = redis.call('XREVRANGE', KEYS[2], ARGV[2], '-', 'COUNT', ARGV[3]) end
end
for i = 1, #entries do
  local fields = entries[i][2]
  for j = 1, #fields, 2 do
    if fields[j] == 'm' then out[#out + 1] = fields[j + 1] end
  end
end
return out
`);

/**
 * The newest stored message of an event (ARGV[1]), scanning the log from its end in pages: entries carry their event
 * name in field `e` (older entries without it are decoded). KEYS: log. Returns the message JSON or false.
 */
export const latestScript = new LuaScript(`
local last = '+'
while true do
  local entries = redis.call('XREVRANGE', KEYS[1], last, '-', 'COUNT', 200)
  if #entries == 0 then return false end
  for i = 1, #entries do
    local fields = entries[i][2]
    local json, event = nil, nil
    for j = 1, #fields, 2 do
      if fields[j] == 'm' then json = fields[j + 1] elseif fields[j] == 'e' then event = fields[j + 1] end
    end
    if event == nil and json then event = cjson.decode(json).event end
    if event == ARGV[1] then return json end
    last = '(' .. entries[i][1]
  end
end
`);

/** Releases a channel lock (KEYS[1]) only when it is still ours (ARGV[1] is our token). */
export const releaseScript = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * One change of an instance's presence contribution, atomic with its announcement. KEYS: the channel's presence hash.
 * ARGV: instance, summary JSON ('' when the contribution ends), TTL (ms), pub/sub name, payload, '1' to clear the
 * instance's fields first (a new generation or the end), the number of upserts, then key/entry pairs, then removed keys.
 */
export const announceScript = new LuaScript(`
local inst = ARGV[1]
if ARGV[6] == '1' or ARGV[2] == '' then
  local fields = redis.call('HKEYS', KEYS[1])
  local prefix = inst .. '|'
  for _, field in ipairs(fields) do
    if field == inst .. '#' or string.sub(field, 1, #prefix) == prefix then redis.call('HDEL', KEYS[1], field) end
  end
end
local n = tonumber(ARGV[7])
local i = 8
for _ = 1, n do
  redis.call('HSET', KEYS[1], inst .. '|' .. ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[1], inst .. '|' .. ARGV[i])
  i = i + 1
end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], inst .. '#', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`);

/** Deletes every field of the given instances (ARGV) from a presence hash (KEYS[1]): they stopped heartbeating. */
export const forgetScript = new LuaScript(`
local fields = redis.call('HKEYS', KEYS[1])
for _, field in ipairs(fields) do
  for i = 1, #ARGV do
    local inst = ARGV[i]
    if field == inst .. '#' or string.sub(field, 1, #inst + 1) == inst .. '|' then redis.call('HDEL', KEYS[1], field) end
  end
end
return 1
`);

/**
 * The kept message whose JSON starts with ARGV[1] (`{"type":"message","channel":…,"id":…,"seq":`, see
 * `messageJsonHead`), scanning the log from its end in pages, at most ARGV[2] entries (the log size). A plain prefix
 * comparison, never a Lua pattern: an id is data, whatever characters it holds. KEYS: log. Returns the JSON or false.
 */
export const findScript = new LuaScript(`
local head = ARGV[1]
local size = #head
local left = tonumber(ARGV[2])
local last = '+'
while left > 0 do
  local entries = redis.call('XREVRANGE', KEYS[1], last, '-', 'COUNT', math.min(left, 200))
  if #entries == 0 then return false end
  for i = 1, #entries do
    local fields = entries[i][2]
    for j = 1, #fields, 2 do
      local value = fields[j + 1]
      if fields[j] == 'm' and #value > size and string.sub(value, 1, size) == head then return value end
    end
    last = '(' .. entries[i][1]
  end
  left = left - #entries
end
return false
`);

/**
 * Sets one message state, atomic on the Redis server. KEYS: states hash, its seq index (a sorted set), the channel's
 * seq key, then the lock key when fenced. ARGV: message id, state JSON, the message's seq, logSize, retention (ms,
 * 0 = keep), fence ('' = none). The states of messages trimmed from the log (seq ≤ head − logSize) go, so the hash
 * holds at most about logSize states. Returns 1, or -1 when the fence no longer holds the lock.
 */
export const setStateScript = new LuaScript(`
local fence = ARGV[6]
if fence ~= '' and redis.call('GET', KEYS[4]) ~= fence then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local floor = (tonumber(redis.call('GET', KEYS[3])) or 0) - tonumber(ARGV[4])
if floor > 0 then
  local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', floor)
  for i = 1, #gone do redis.call('HDEL', KEYS[1], gone[i]) end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', floor) end
end
local retention = tonumber(ARGV[5])
if retention > 0 then
  redis.call('PEXPIRE', KEYS[1], retention)
  redis.call('PEXPIRE', KEYS[2], retention)
end
return 1
`);

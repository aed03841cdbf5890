// A shared request pace as one kv value: the times of the last `limit` granted slots and a
// "locked until" time. Every instance reserves its slot with one atomic step (a SQLite
// transaction, or a Lua script on Upstash), so all of them together never put more than `limit`
// requests in any `windowMs` — and none is granted a slot before the lock ends.
// The value is plain text, `lockedUntil;t1,t2,…` (epoch ms, oldest first), so the Lua script and
// this TypeScript twin read and write the same thing.

export interface SlotRequest {
  limit: number;
  windowMs: number;
  /** The latest a slot may start from now; past it nothing is reserved. */
  maxWaitMs: number;
  /** The slots' clock (a monotonic wall clock). */
  now: number;
  /** The lock's clock (Date.now): the same time in production; tests fake it to jump a lockout. */
  lockNow: number;
  /**
   * Record the slot this much later than it starts: for a request that may leave late (a cold
   * instance still opening its connection), so the ones after it keep their distance anyway.
   */
  lateMs?: number;
}

/**
 * `ok`: a slot is reserved at `at` (wait until then). Otherwise the earliest slot would be at
 * `at`, or the base is locked until `lockedUntil` (no slot is reserved inside a lockout).
 */
export interface SlotResult {
  ok: boolean;
  at: number;
  lockedUntil: number;
}

export interface SlotState {
  lockedUntil: number;
  grants: number[];
}

export const SLOTS_TTL_MS = 3_600_000;

export function parseSlots(raw: string | null): SlotState {
  if (!raw) return { lockedUntil: 0, grants: [] };
  const [locked = "0", list = ""] = raw.split(";");
  return { lockedUntil: Number(locked) || 0, grants: list ? list.split(",").map(Number) : [] };
}

export function formatSlots(state: SlotState): string {
  return `${state.lockedUntil};${state.grants.join(",")}`;
}

/** The reservation step, as the Lua script does it. */
export function reserveSlot(state: SlotState, request: SlotRequest): { state: SlotState; result: SlotResult } {
  const { limit, windowMs, maxWaitMs, now, lockNow } = request;
  const { lockedUntil } = state;
  let at = now;
  if (state.grants.length >= limit) at = Math.max(at, state.grants[state.grants.length - limit]! + windowMs);
  if (lockedUntil > lockNow || at - now > maxWaitMs) return { state, result: { ok: false, at, lockedUntil } };
  const grants = [...state.grants, at + (request.lateMs ?? 0)].sort((a, b) => a - b).slice(-limit);
  return { state: { lockedUntil, grants }, result: { ok: true, at, lockedUntil } };
}

/** Move a recorded slot to when its request really arrived (later than planned), if it is still listed. */
export function confirmSlot(state: SlotState, recorded: number, actual: number): SlotState {
  const i = state.grants.indexOf(recorded);
  if (i < 0 || actual <= recorded) return state;
  const grants = state.grants.map((g, j) => (j === i ? actual : g)).sort((a, b) => a - b);
  return { lockedUntil: state.lockedUntil, grants };
}

export function blockSlots(state: SlotState, until: number): SlotState {
  return { lockedUntil: Math.max(state.lockedUntil, until), grants: state.grants };
}

// ARGV: op ("reserve" | "block" | "confirm"), now, then limit, windowMs, maxWaitMs, lockNow,
// lateMs (reserve), until (block), or recorded, actual (confirm). Returns {ok, at, lockedUntil}: ok 1 when a slot is reserved at `at`.
export const SLOTS_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
local locked = 0
local grants = {}
if raw then
  local sep = string.find(raw, ';', 1, true)
  locked = tonumber(string.sub(raw, 1, sep - 1)) or 0
  for g in string.gmatch(string.sub(raw, sep + 1), '[^,]+') do grants[#grants + 1] = tonumber(g) end
end
local now = tonumber(ARGV[2])
local at = now
if ARGV[1] == 'block' then
  local untilMs = tonumber(ARGV[3])
  if untilMs > locked then locked = untilMs end
elseif ARGV[1] == 'confirm' then
  local recorded = tonumber(ARGV[3])
  local actual = tonumber(ARGV[4])
  for i, g in ipairs(grants) do
    if g == recorded and actual > recorded then
      grants[i] = actual
      table.sort(grants)
      break
    end
  end
else
  local limit = tonumber(ARGV[3])
  local window = tonumber(ARGV[4])
  local maxWait = tonumber(ARGV[5])
  local lockNow = tonumber(ARGV[6])
  if #grants >= limit and grants[#grants - limit + 1] + window > at then at = grants[#grants - limit + 1] + window end
  if locked > lockNow or at - now > maxWait then return {0, at, locked} end
  local recorded = at + (tonumber(ARGV[7]) or 0)
  local pos = #grants + 1
  while pos > 1 and grants[pos - 1] > recorded do pos = pos - 1 end
  table.insert(grants, pos, recorded)
  while #grants > limit do table.remove(grants, 1) end
end
local parts = {}
for i, g in ipairs(grants) do parts[i] = string.format('%d', g) end
redis.call('SET', KEYS[1], string.format('%d', locked) .. ';' .. table.concat(parts, ','), 'PX', ${SLOTS_TTL_MS})
return {1, at, locked}
`;

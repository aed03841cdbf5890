// The embedded kv: two SQLite tables (values with expiry, sorted sets). Expired rows are ignored
// on read and swept now and then on write.
import { checkpoint, openDatabase, type Database } from "../sqlite.js";
import { blockSlots, confirmSlot, formatSlots, parseSlots, reserveSlot, SLOTS_TTL_MS, type SlotState } from "./slots.js";
import type { Kv } from "./types.js";

export function createSqliteKv(db: Database = openDatabase("kv"), now: () => number = () => Date.now()): Kv {
  db.exec(`CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER);
    CREATE TABLE IF NOT EXISTS zset (key TEXT NOT NULL, member TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (key, member));
    CREATE INDEX IF NOT EXISTS zset_by_score ON zset (key, score);`);
  const live = "(expires_at IS NULL OR expires_at > @now)";
  const getRow = db.prepare<{ key: string; now: number }, { value: string; expires_at: number | null }>(
    `SELECT value, expires_at FROM kv WHERE key = @key AND ${live}`,
  );
  const upsert = db.prepare(
    "INSERT INTO kv (key, value, expires_at) VALUES (@key, @value, @expires) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
  );
  const insertIfAbsent = db.prepare(
    `INSERT INTO kv (key, value, expires_at) VALUES (@key, @value, @expires)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
     WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= @now`,
  );
  const del = db.prepare("DELETE FROM kv WHERE key = ?");
  const sweep = db.prepare("DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?");
  const zadd = db.prepare(
    "INSERT INTO zset (key, member, score) VALUES (?, ?, ?) ON CONFLICT(key, member) DO UPDATE SET score = excluded.score",
  );
  const zrange = db.prepare<[string, number, number], { member: string }>(
    "SELECT member FROM zset WHERE key = ? AND score <= ? ORDER BY score, member LIMIT ?",
  );
  const zrem = db.prepare("DELETE FROM zset WHERE key = ? AND member = ?");
  const zremRange = db.prepare("DELETE FROM zset WHERE key = ? AND score <= ?");
  const zcard = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM zset WHERE key = ?");

  const expiresAt = (ttlSeconds?: number) => (ttlSeconds ? now() + ttlSeconds * 1000 : null);
  const maybeSweep = () => {
    if (Math.random() < 0.01) sweep.run(now());
  };

  const increment = db.transaction((key: string, ttlSeconds: number) => {
    const row = getRow.get({ key, now: now() });
    const count = (row ? Number(row.value) : 0) + 1;
    upsert.run({ key, value: String(count), expires: expiresAt(ttlSeconds) });
    return count;
  });

  // BEGIN IMMEDIATE takes the write lock first, so processes sharing the file take turns.
  function updateSlots<R>(key: string, step: (state: SlotState) => { state: SlotState; result: R }): R {
    return db
      .transaction(() => {
        const { state, result } = step(parseSlots(getRow.get({ key, now: now() })?.value ?? null));
        upsert.run({ key, value: formatSlots(state), expires: now() + SLOTS_TTL_MS });
        return result;
      })
      .immediate();
  }

  return {
    backend: "sqlite",
    async get(key) {
      return getRow.get({ key, now: now() })?.value ?? null;
    },
    async set(key, value, options = {}) {
      upsert.run({ key, value, expires: expiresAt(options.ttlSeconds) });
      maybeSweep();
    },
    async setIfAbsent(key, value, options = {}) {
      return insertIfAbsent.run({ key, value, expires: expiresAt(options.ttlSeconds), now: now() }).changes > 0;
    },
    async delete(...keys) {
      return keys.reduce((n, key) => n + del.run(key).changes, 0);
    },
    async increment(key, { ttlSeconds }) {
      return increment(key, ttlSeconds);
    },
    async ttl(key) {
      const row = getRow.get({ key, now: now() });
      return row?.expires_at ? Math.ceil((row.expires_at - now()) / 1000) : null;
    },
    async zadd(key, member, score) {
      zadd.run(key, member, score);
    },
    async zrangeByScore(key, max, limit) {
      return zrange.all(key, max, limit).map((row) => row.member);
    },
    async zrem(key, member) {
      zrem.run(key, member);
    },
    async zremRangeByScore(key, max) {
      return zremRange.run(key, max).changes;
    },
    async zcard(key) {
      return zcard.get(key)?.n ?? 0;
    },
    async reserveSlot(key, request) {
      return updateSlots(key, (state) => reserveSlot(state, request));
    },
    async confirmSlot(key, recorded, actual) {
      updateSlots(key, (state) => ({ state: confirmSlot(state, recorded, actual), result: undefined }));
    },
    async blockSlots(key, until) {
      updateSlots(key, (state) => ({ state: blockSlots(state, until), result: undefined }));
    },
    async compact() {
      sweep.run(now());
      checkpoint(db);
    },
    async readSlots(key) {
      return parseSlots(getRow.get({ key, now: now() })?.value ?? null);
    },
  };
}

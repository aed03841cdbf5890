// kv on Upstash Redis (REST). Values are stored as plain strings (no automatic JSON), every call
// has a timeout and at most one quick retry, and failures surface as KvError so callers can
// choose: a webhook answers 503, a rate limiter fails open, the crisis path ignores it.
import { Redis } from "@upstash/redis";
import { parseSlots, SLOTS_SCRIPT } from "../../platform/kv/slots.js";
import { KvError, type Kv } from "../../platform/kv/types.js";

export interface UpstashOptions {
  url: string;
  token: string;
  timeoutMs: number;
}

export function createUpstashClient(options: UpstashOptions): Redis {
  return new Redis({
    url: options.url,
    token: options.token,
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: { retries: 1, backoff: () => 100 },
    signal: () => AbortSignal.timeout(options.timeoutMs),
  });
}

export function createUpstashKv(redis: Redis): Kv {
  async function run<T>(command: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new KvError(`Upstash ${command} failed: ${error instanceof Error ? error.name : "error"}`, { cause: error });
    }
  }

  return {
    backend: "upstash",
    get: (key) => run("GET", async () => (await redis.get<string>(key)) ?? null),
    set: (key, value, options = {}) =>
      run("SET", async () => {
        await (options.ttlSeconds ? redis.set(key, value, { ex: options.ttlSeconds }) : redis.set(key, value));
      }),
    setIfAbsent: (key, value, options = {}) =>
      run("SET NX", async () => {
        const result = options.ttlSeconds
          ? await redis.set(key, value, { nx: true, ex: options.ttlSeconds })
          : await redis.set(key, value, { nx: true });
        return result === "OK";
      }),
    delete: (...keys) => run("DEL", () => (keys.length ? redis.del(...keys) : Promise.resolve(0))),
    increment: (key, { ttlSeconds }) =>
      run("INCR", async () => {
        const [count] = await redis.multi().incr(key).expire(key, ttlSeconds).exec<[number, number]>();
        return Number(count);
      }),
    ttl: (key) =>
      run("TTL", async () => {
        const seconds = await redis.ttl(key);
        return seconds >= 0 ? seconds : null;
      }),
    zadd: (key, member, score) =>
      run("ZADD", async () => {
        await redis.zadd(key, { score, member });
      }),
    zrangeByScore: (key, max, limit) =>
      run("ZRANGE", async () => (await redis.zrange<string[]>(key, "-inf", max, { byScore: true, offset: 0, count: limit })).map(String)),
    zrem: (key, member) =>
      run("ZREM", async () => {
        await redis.zrem(key, member);
      }),
    zremRangeByScore: (key, max) => run("ZREMRANGEBYSCORE", () => redis.zremrangebyscore(key, "-inf", max)),
    zcard: (key) => run("ZCARD", () => redis.zcard(key)),
    reserveSlot: (key, { limit, windowMs, maxWaitMs, now, lockNow, lateMs = 0 }) =>
      run("EVAL slots", async () => {
        const [ok, at, lockedUntil] = await redis.eval<unknown[], number[]>(
          SLOTS_SCRIPT,
          [key],
          ["reserve", now, limit, windowMs, maxWaitMs, lockNow, lateMs],
        );
        return { ok: Number(ok) === 1, at: Number(at), lockedUntil: Number(lockedUntil) };
      }),
    confirmSlot: (key, recorded, actual) =>
      run("EVAL slots", async () => {
        await redis.eval(SLOTS_SCRIPT, [key], ["confirm", Date.now(), recorded, actual]);
      }),
    blockSlots: (key, until) =>
      run("EVAL slots", async () => {
        await redis.eval(SLOTS_SCRIPT, [key], ["block", Date.now(), until]);
      }),
    readSlots: (key) => run("GET", async () => parseSlots((await redis.get<string>(key)) ?? null)),
  };
}

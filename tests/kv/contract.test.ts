// One kv contract, two implementations: SQLite for real, Upstash through its REST protocol.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSqliteKv } from "../../lib/platform/kv/sqlite.js";
import { createUpstashClient, createUpstashKv } from "../../lib/vendors/upstash/kv.js";
import { KvError, type Kv } from "../../lib/platform/kv/index.js";
import { openDatabase } from "../../lib/platform/sqlite.js";
import { enqueue, drain, failedSteps, getStep, pendingSteps, replay } from "../../lib/platform/outbox/outbox.js";
import { RecordsError } from "../../lib/platform/records/types.js";
import { server } from "../support/msw.js";
import { TEST_UPSTASH_TOKEN, TEST_UPSTASH_URL, upstashEmulator } from "../support/upstash-emulator.js";

const implementations: [string, () => Kv][] = [
  ["sqlite", () => createSqliteKv(openDatabase("kv"))],
  [
    "upstash",
    () => {
      server.use(...upstashEmulator().handlers);
      return createUpstashKv(createUpstashClient({ url: TEST_UPSTASH_URL, token: TEST_UPSTASH_TOKEN, timeoutMs: 1000 }));
    },
  ],
];

describe.each(implementations)("kv contract (%s)", (_name, make) => {
  let kv: Kv;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    kv = make();
  });
  afterEach(() => vi.useRealTimers());

  it("gets and sets strings, including JSON and unicode", async () => {
    expect(await kv.get("missing")).toBeNull();
    const value = JSON.stringify({ name: "Río 🌊", n: 1 });
    await kv.set("k", value);
    expect(await kv.get("k")).toBe(value);
    expect(await kv.ttl("k")).toBeNull();
  });

  it("expires keys after their TTL", async () => {
    await kv.set("k", "v", { ttlSeconds: 30 });
    expect(await kv.ttl("k")).toBe(30);
    vi.advanceTimersByTime(29_000);
    expect(await kv.get("k")).toBe("v");
    vi.advanceTimersByTime(2_000);
    expect(await kv.get("k")).toBeNull();
  });

  it("sets if absent exactly once, and again after expiry", async () => {
    const results = await Promise.all([1, 2, 3].map(() => kv.setIfAbsent("once", "x", { ttlSeconds: 10 })));
    expect(results.filter(Boolean)).toHaveLength(1);
    vi.advanceTimersByTime(11_000);
    expect(await kv.setIfAbsent("once", "y", { ttlSeconds: 10 })).toBe(true);
    expect(await kv.get("once")).toBe("y");
  });

  it("counts with expiry", async () => {
    expect(await kv.increment("c", { ttlSeconds: 60 })).toBe(1);
    expect(await kv.increment("c", { ttlSeconds: 60 })).toBe(2);
    expect(await kv.ttl("c")).toBeGreaterThan(55);
    vi.advanceTimersByTime(61_000);
    expect(await kv.increment("c", { ttlSeconds: 60 })).toBe(1);
  });

  it("deletes keys", async () => {
    await kv.set("a", "1");
    await kv.set("b", "2");
    expect(await kv.delete("a", "b", "c")).toBe(2);
    expect(await kv.get("a")).toBeNull();
  });

  it("keeps sorted sets ordered by score", async () => {
    await kv.zadd("z", "late", 300);
    await kv.zadd("z", "early", 100);
    await kv.zadd("z", "middle", 200);
    expect(await kv.zrangeByScore("z", 250, 10)).toEqual(["early", "middle"]);
    expect(await kv.zrangeByScore("z", 1000, 2)).toEqual(["early", "middle"]);
    await kv.zadd("z", "early", 400);
    await kv.zrem("z", "middle");
    expect(await kv.zrangeByScore("z", 1000, 10)).toEqual(["late", "early"]);
    expect(await kv.zcard("z")).toBe(2);
    expect(await kv.zremRangeByScore("z", 350)).toBe(1);
    expect(await kv.zrangeByScore("z", 1000, 10)).toEqual(["early"]);
  });

  describe("durable outbox", () => {
    it("runs a step once, in batches, and never again after it succeeded", async () => {
      const seen: number[][] = [];
      const handlers = { "test.step": { batchSize: 10, run: async (p: number[]) => void seen.push(p) } };
      for (let i = 0; i < 25; i++) await enqueue(kv, { kind: "test.step", payload: i, id: `s${i}` });
      await enqueue(kv, { kind: "test.step", payload: 99, id: "s0" });
      const result = await drain(kv, handlers, { limit: 100 });
      expect(result).toMatchObject({ succeeded: 25, retried: 0, failed: 0 });
      expect(seen.map((batch) => batch.length)).toEqual([10, 10, 5]);
      expect(seen.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect((await getStep(kv, "s0"))?.status).toBe("done");
      expect(await drain(kv, handlers)).toMatchObject({ succeeded: 0 });
      expect(await replay(kv, "s0")).toMatchObject({ status: "done" });
      expect(await drain(kv, handlers)).toMatchObject({ succeeded: 0 });
      expect(seen.flat()).toHaveLength(25);
    });

    it("backs off a rate limit as long as the provider asked, without counting it as an attempt", async () => {
      let fail = true;
      const handlers = {
        "test.step": {
          batchSize: 1,
          run: async () => {
            if (fail) throw new RecordsError("RATE_LIMITED", "429", { retryAfterMs: 30_000 });
          },
        },
      };
      await enqueue(kv, { kind: "test.step", payload: 1, id: "a" });
      expect(await drain(kv, handlers)).toMatchObject({ retried: 1 });
      const step = await getStep(kv, "a");
      expect(step).toMatchObject({ status: "pending", attempts: 0, lastError: "RecordsError: RATE_LIMITED" });
      expect(step!.nextAttemptAt - Date.now()).toBeGreaterThanOrEqual(30_000);
      fail = false;
      expect(await drain(kv, handlers)).toMatchObject({ succeeded: 0 });
      vi.advanceTimersByTime(step!.nextAttemptAt - Date.now() + 1);
      expect(await drain(kv, handlers)).toMatchObject({ succeeded: 1 });
    });

    it("isolates a permanent failure in a batch, and can replay it", async () => {
      let broken = true;
      const ran: string[] = [];
      const handlers = {
        "test.step": {
          batchSize: 10,
          run: async (payloads: string[]) => {
            if (broken && payloads.includes("bad")) throw new RecordsError("UNKNOWN_FIELD_NAME", "422");
            ran.push(...payloads);
          },
        },
      };
      for (const p of ["a", "bad", "c"]) await enqueue(kv, { kind: "test.step", payload: p, id: p });
      expect(await drain(kv, handlers)).toMatchObject({ succeeded: 2, failed: 1 });
      expect(ran.sort()).toEqual(["a", "c"]);
      expect((await failedSteps(kv)).map((s) => s.id)).toEqual(["bad"]);
      expect(await pendingSteps(kv)).toEqual([]);
      broken = false;
      await replay(kv, "bad");
      expect(await drain(kv, handlers)).toMatchObject({ succeeded: 1 });
      expect(ran).toContain("bad");
    });
  });
});

describe("Upstash kv when Upstash is down", () => {
  it("raises KvError instead of hanging", async () => {
    const emulator = upstashEmulator();
    emulator.setDown(true);
    server.use(...emulator.handlers);
    const kv = createUpstashKv(createUpstashClient({ url: TEST_UPSTASH_URL, token: TEST_UPSTASH_TOKEN, timeoutMs: 500 }));
    await expect(kv.get("k")).rejects.toBeInstanceOf(KvError);
  });

  it("sends the JSON command protocol with the bearer token", async () => {
    const emulator = upstashEmulator();
    server.use(...emulator.handlers);
    const kv = createUpstashKv(createUpstashClient({ url: TEST_UPSTASH_URL, token: TEST_UPSTASH_TOKEN, timeoutMs: 500 }));
    await kv.set("greeting", "hello", { ttlSeconds: 5 });
    expect(emulator.commands).toContainEqual(["set", "greeting", "hello", "ex", "5"]);
    expect(emulator.get("greeting")).toBe("hello");
  });
});

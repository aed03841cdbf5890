// The shared records pace: every instance together keeps to Airtable's 5 requests per second per
// base, and a 429 locks the whole base out for every instance. Each instance here is its own
// Airtable store and pace over the same kv (embedded SQLite file, or Upstash through its REST
// emulator); Airtable is the msw emulator with the vendor's limits.
import { describe, expect, it, vi } from "vitest";
import { createSqliteKv } from "../../lib/platform/kv/sqlite.js";
import { blockSlots, confirmSlot, parseSlots, reserveSlot, type SlotState } from "../../lib/platform/kv/slots.js";
import { createUpstashClient, createUpstashKv } from "../../lib/vendors/upstash/kv.js";
import type { Kv } from "../../lib/platform/kv/index.js";
import { createAirtableRecords } from "../../lib/vendors/airtable/records.js";
import { createPace, withPaceWait } from "../../lib/platform/records/pace.js";
import { RecordsError } from "../../lib/platform/records/types.js";
import { openDatabase } from "../../lib/platform/sqlite.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { server } from "../support/msw.js";
import { TEST_UPSTASH_TOKEN, TEST_UPSTASH_URL, upstashEmulator } from "../support/upstash-emulator.js";

const KVS: [string, () => Kv][] = [
  ["sqlite", () => createSqliteKv(openDatabase("kv"))],
  [
    "upstash",
    () => {
      server.use(...upstashEmulator().handlers);
      return createUpstashKv(createUpstashClient({ url: TEST_UPSTASH_URL, token: TEST_UPSTASH_TOKEN, timeoutMs: 2000 }));
    },
  ],
];

function base() {
  const emulator = airtableEmulator();
  emulator.seedFromSchema();
  server.use(...emulator.handlers);
  return emulator;
}

/** One function instance: its own Airtable client and pace object, over the shared kv. */
function instance(kv: Kv) {
  const pace = createPace({ kv, base: TEST_BASE_ID, perSecond: 5, marginMs: 50 });
  return createAirtableRecords({
    apiKey: TEST_TOKEN,
    baseId: TEST_BASE_ID,
    endpointUrl: "https://api.airtable.com",
    timeoutMs: 4000,
    pace,
  });
}

/** The most requests Airtable received in any one second. */
function busiestSecond(times: number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

describe("the shared slots (one kv value)", () => {
  const request = { limit: 5, windowMs: 1050, maxWaitMs: 5000, now: 10_000, lockNow: 10_000 };
  const reserveMany = (n: number, state: SlotState = parseSlots(null)) => {
    const ats: number[] = [];
    for (let i = 0; i < n; i++) {
      const step = reserveSlot(state, request);
      state = step.state;
      ats.push(step.result.at);
    }
    return { ats, state };
  };

  it("grants 5 slots at once, then each next one a window after the one 5 before it", () => {
    expect(reserveMany(12).ats).toEqual([10_000, 10_000, 10_000, 10_000, 10_000, 11_050, 11_050, 11_050, 11_050, 11_050, 12_100, 12_100]);
  });

  it("reserves nothing past the caller's wait, and nothing at all while the base is locked out", () => {
    const { state } = reserveMany(5);
    expect(reserveSlot(state, { ...request, maxWaitMs: 500 })).toEqual({ state, result: { ok: false, at: 11_050, lockedUntil: 0 } });
    const locked = blockSlots(parseSlots(null), 40_000);
    expect(reserveSlot(locked, request).result).toEqual({ ok: false, at: 10_000, lockedUntil: 40_000 });
    expect(reserveSlot(locked, { ...request, lockNow: 40_001 }).result.ok).toBe(true);
  });

  it("keeps the next slots a window after a request that landed late", () => {
    let { state } = reserveMany(5);
    state = confirmSlot(state, 10_000, 10_300);
    expect(reserveSlot(state, request).result.at).toBe(11_050);
    expect(reserveMany(5, confirmSlot(reserveMany(5).state, 10_000, 10_300)).ats.at(-1)).toBe(11_350);
    // A cold instance's slot is recorded late from the start.
    const cold = reserveSlot(parseSlots(null), { ...request, lateMs: 250 }).state;
    expect(cold.grants).toEqual([10_250]);
  });
});

describe.each(KVS)("the records pace over %s kv", (_name, makeKv) => {
  it("keeps two instances writing at once under 5 requests per second, with every record stored", async () => {
    const emulator = base();
    const kv = makeKv();
    const [a, b] = [instance(kv), instance(kv)];
    // 12 writes of 10 records each, from two instances at once: more than two seconds' worth.
    const writes = Array.from({ length: 12 }, (_, i) =>
      withPaceWait(10_000, () =>
        (i % 2 ? a : b).create(
          "Intake Rejections",
          Array.from({ length: 10 }, (_, j) => ({ Token: `t-${i}-${j}`, Reason: "test" })),
        ),
      ),
    );
    await Promise.all(writes);
    expect(emulator.stats).toEqual({ lockouts: 0, refusedWhileLocked: 0 });
    expect(emulator.rows("Intake Rejections")).toHaveLength(120);
    expect(emulator.requests.every((r) => r.status === 200)).toBe(true);
    expect(busiestSecond(emulator.requests.map((r) => r.at))).toBeLessThanOrEqual(5);
    const status = await createPace({ kv, base: TEST_BASE_ID, perSecond: 5, marginMs: 50 }).status();
    expect(status).toMatchObject({ limitPerSecond: 5, lockedForMs: 0 });
  }, 20_000);

  it("after one instance gets a 429, no instance sends until the 30 s lockout is over", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const emulator = base();
    const kv = makeKv();
    const [a, b] = [instance(kv), instance(kv)];
    emulator.lockOut(30_000); // another client of the base went over the limit
    await expect(a.find("Users", { "Healing Name": "River" })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect(emulator.stats.refusedWhileLocked).toBe(1);
    // The other instance never saw a 429 itself, yet it does not send.
    const refused = await b.find("Users", { "Healing Name": "River" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RecordsError);
    expect(refused).toMatchObject({ code: "RATE_LIMITED", options: { retryAfterMs: expect.any(Number) } });
    expect((refused as RecordsError).options.retryAfterMs).toBeGreaterThan(29_000);
    expect(emulator.requests).toHaveLength(1);
    const pace = createPace({ kv, base: TEST_BASE_ID, perSecond: 5, marginMs: 50 });
    expect((await pace.status()).lockedForMs).toBeGreaterThan(29_000);

    vi.advanceTimersByTime(31_000);
    await expect(b.find("Users", { "Healing Name": "River" })).resolves.toEqual([]);
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("answers BUSY without sending when no slot is free within the caller's wait", async () => {
    const emulator = base();
    const kv = makeKv();
    const pace = createPace({ kv, base: TEST_BASE_ID, perSecond: 5, marginMs: 50 });
    for (let i = 0; i < 5; i++) await pace.acquire(0);
    const store = instance(kv);
    await expect(withPaceWait(100, () => store.find("Users", { "Healing Name": "River" }))).rejects.toMatchObject({ code: "BUSY" });
    expect(emulator.requests).toHaveLength(0);
  });
});

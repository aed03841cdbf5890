// The drain at Airtable's limit: full batches of 10, several drainers at once, faults that must
// lose or duplicate nothing, what it reports, and how it carries on when its time runs out.
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { GET as drainCron } from "../../api/cron/drain.js";
import { GET as health } from "../../api/health.js";
import { POST as reflection } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { drainOutbox } from "../../lib/delivery/drain.js";
import { kv } from "../../lib/platform/kv/index.js";
import { backlog, enqueue, getStep, pendingSteps } from "../../lib/platform/outbox/outbox.js";
import { recordsPace } from "../../lib/platform/records/index.js";
import { REFLECTION_STEP, type ReflectionPayload } from "../../lib/reflections/reflections.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { get, postJson } from "../support/http.js";
import { server } from "../support/msw.js";
import { useEnv } from "../support/env.js";

function useAirtable() {
  const emulator = airtableEmulator();
  emulator.seedFromSchema();
  server.use(...emulator.handlers);
  useEnv({ AIRTABLE_API_KEY: TEST_TOKEN, AIRTABLE_BASE_ID: TEST_BASE_ID });
  return emulator;
}

/** Queue `count` reflections as the request path does when Airtable is busy (created a while ago). */
async function queueReflections(count: number, names = 10): Promise<string[]> {
  const store = await kv();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const payload: ReflectionPayload = {
      submissionId: `queued-${String(i).padStart(4, "0")}`,
      healingName: `Name ${i % names}`,
      reflection: `entry ${i}`,
      date: new Date().toISOString(),
    };
    await enqueue(store, { kind: REFLECTION_STEP, id: `reflection:${payload.submissionId}`, payload, now: Date.now() - 5000 });
    ids.push(payload.submissionId);
  }
  return ids;
}

const submissionIds = (emulator: ReturnType<typeof airtableEmulator>) =>
  emulator.rows("Reflections").map((r) => String(r.fields["Submission ID"]));

describe("the drain on Airtable", () => {
  it("writes 100 queued reflections in full batches of 10, with two drainers at once, each record once and no lockout", async () => {
    const emulator = useAirtable();
    const ids = await queueReflections(100);
    const [a, b] = await Promise.all([drainOutbox(), drainOutbox()]);
    expect(a.succeeded + b.succeeded).toBe(100);
    expect(submissionIds(emulator).sort()).toEqual(ids);
    const writes = emulator.requests.filter((r) => r.table === "Reflections");
    expect(writes.map((w) => [w.records, w.status])).toEqual(Array(10).fill([10, 200]));
    // Ten new participants, resolved once per drainer for all its steps (an upsert and a "Created
    // At" update each), not once per batch.
    expect(emulator.requests.filter((r) => r.table === "Users").length).toBeLessThanOrEqual(4);
    expect(emulator.rows("Users")).toHaveLength(10);
    expect(emulator.stats).toEqual({ lockouts: 0, refusedWhileLocked: 0 });
    expect((await backlog(await kv())).depth).toBe(0);
  }, 20_000);

  it("loses and duplicates nothing when Airtable answers 503s and loses the answers to applied writes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const emulator = useAirtable();
    const ids = await queueReflections(40);
    emulator.outage(503, 3);
    emulator.loseResponses(2);
    for (let round = 0; round < 6 && (await pendingSteps(await kv())).length; round++) {
      await drainOutbox();
      vi.advanceTimersByTime(10 * 60_000);
    }
    expect(emulator.requests.some((r) => r.status === 503)).toBe(true);
    expect(emulator.requests.filter((r) => r.status === 502)).toHaveLength(2);
    expect(submissionIds(emulator).sort()).toEqual(ids);
    expect(emulator.rows("Users")).toHaveLength(10);
    expect(emulator.stats.lockouts).toBe(0);
  }, 30_000);

  it("defers steps without counting an attempt while the base is locked out, and says so", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    useEnv({ OUTBOX_DRAIN_MAX_MS: "1000" }); // a real drain waits the lockout out; the faked clock never ends it
    const emulator = useAirtable();
    await queueReflections(3, 3);
    emulator.lockOut(30_000);
    const body = await (await drainCron(get("/api/cron/drain"))).json();
    expect(body).toMatchObject({ status: "ok", succeeded: 0, retried: 3, queue: { depth: 3, failed: 0 }, pace: { limitPerSecond: 5 } });
    expect(body.queue.oldestPendingAgeMs).toBeGreaterThanOrEqual(5000);
    expect(body.pace.lockedForMs).toBeGreaterThan(29_000);
    // One request found the lockout; the other steps never sent theirs.
    expect(emulator.stats.refusedWhileLocked).toBe(1);
    expect(await getStep(await kv(), "reflection:queued-0000")).toMatchObject({
      status: "pending",
      attempts: 0,
      lastError: "RecordsError: RATE_LIMITED",
    });

    const deep = await (await health(get("/api/health?deep=1"))).json();
    expect(deep).toMatchObject({ queue: { depth: 3 }, pace: { limitPerSecond: 5 } });
    expect(deep.pace.lockedForMs).toBeGreaterThan(29_000);
    expect(deep.checks.records).toMatchObject({ state: "degraded", detail: "RATE_LIMITED" });

    vi.advanceTimersByTime(31_000);
    expect(await drainOutbox()).toMatchObject({ succeeded: 3, queue: { depth: 0, oldestPendingAgeMs: null } });
    expect(submissionIds(emulator)).toHaveLength(3);
  });

  it("answers a reflection 202 and sends nothing when no request slot is free within AIRTABLE_PACE_WAIT_MS", async () => {
    const emulator = useAirtable();
    useEnv({ AIRTABLE_PACE_WAIT_MS: "100" });
    const pace = (await recordsPace())!;
    for (let i = 0; i < 5; i++) await pace.acquire(0); // the base's second is spent (a drain elsewhere)
    const response = await reflection(
      postJson("/api/reflection", { healingName: "River", reflection: "a steady week", submissionId: "busy-base-01" }),
    );
    expect(response.status).toBe(202);
    expect(emulator.requests.filter((r) => r.table === "Reflections")).toHaveLength(0);
    await settleBackground();
    // The drain the answer started writes it once the second is over.
    expect(submissionIds(emulator)).toEqual(["busy-base-01"]);
  });

  it("calls the next drain when its time runs out with work still due, a bounded number of times", async () => {
    useAirtable();
    useEnv({ PUBLIC_BASE_URL: "https://healing.example.org", CRON_SECRET: "a-long-cron-secret-value", OUTBOX_DRAIN_MAX_HOPS: "2" });
    const calls: { url: string; authorization: string | null }[] = [];
    server.use(
      http.get("https://healing.example.org/api/cron/drain", ({ request }) => {
        calls.push({ url: request.url, authorization: request.headers.get("authorization") });
        return HttpResponse.json({ status: "ok" });
      }),
    );
    await queueReflections(30);
    const first = await drainOutbox({ limit: 10, maxMs: 1 });
    expect(first).toMatchObject({ succeeded: 10, more: true, queue: { depth: 20 } });
    const last = await drainOutbox({ limit: 10, maxMs: 1, hop: 2 });
    expect(last.more).toBe(true);
    await settleBackground();
    expect(calls).toEqual([{ url: "https://healing.example.org/api/cron/drain?hop=1", authorization: "Bearer a-long-cron-secret-value" }]);
  });
});

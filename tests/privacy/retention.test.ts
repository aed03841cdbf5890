// Retention (issue 10, part 4): RETENTION_REFLECTIONS_DAYS, RETENTION_CRISIS_EVENTS_DAYS and
// RETENTION_INTAKE_REJECTIONS_DAYS applied by the cron through the outbox, once a day, with counts
// in the cron's answer; in the embedded store the deleted text is gone from the file and its WAL.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET as drainCron } from "../../api/cron/drain.js";
import { kv } from "../../lib/platform/kv/index.js";
import { pendingSteps } from "../../lib/platform/outbox/outbox.js";
import { records } from "../../lib/platform/records/index.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { get } from "../support/http.js";
import { server } from "../support/msw.js";
import { testDataDir, useEnv } from "../support/env.js";

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const OLD_TEXT = "the garden is blooming in the old days";
const NEW_TEXT = "a recent reflection that stays";

type Report = Record<string, { days: number; status: string; deleted?: number; before?: string }>;

async function cron() {
  const response = await drainCron(get("/api/cron/drain"));
  expect(response.status).toBe(200);
  return (await response.json()) as {
    succeeded: number;
    failed: number;
    queue: { depth: number };
    retention: Report & { problem?: string };
  };
}

async function seed() {
  const store = await records();
  await store.create("Reflections", [
    { "Submission ID": "old-reflection", "Healing Name": "River", "Reflection Text": OLD_TEXT, Date: ago(400) },
    { "Submission ID": "new-reflection", "Healing Name": "River", "Reflection Text": NEW_TEXT, Date: ago(10) },
  ]);
  await store.create("Crisis Events", [
    { "Event ID": "old-event", Level: "high", "Created At": ago(200) },
    { "Event ID": "new-event", Level: "high", "Created At": ago(100) },
  ]);
  await store.create("Intake Rejections", [
    { Token: "old-token", Reason: "no email", "Received At": ago(31) },
    { Token: "new-token", Reason: "no email", "Received At": ago(29) },
  ]);
}

async function remaining() {
  const store = await records();
  const ids = async (table: "Reflections" | "Crisis Events" | "Intake Rejections", field: string) =>
    (await store.list(table)).map((r) => r.fields[field]);
  return {
    reflections: await ids("Reflections", "Submission ID"),
    events: await ids("Crisis Events", "Event ID"),
    rejections: await ids("Intake Rejections", "Token"),
  };
}

function configure(days: { reflections?: string; events?: string; rejections?: string }) {
  useEnv({
    RETENTION_REFLECTIONS_DAYS: days.reflections,
    RETENTION_CRISIS_EVENTS_DAYS: days.events,
    RETENTION_INTAKE_REJECTIONS_DAYS: days.rejections,
  });
}

describe("retention in the embedded store", () => {
  it("deletes what is past each table's retention, once a day, counted in the cron's answer, and leaves no text on disk", async () => {
    configure({ reflections: "365", events: "180", rejections: "30" });
    await seed();
    const first = await cron();
    expect(first.retention).toEqual({
      Reflections: { days: 365, before: expect.any(String), status: "done", deleted: 1 },
      "Crisis Events": { days: 180, before: expect.any(String), status: "done", deleted: 1 },
      "Intake Rejections": { days: 30, before: expect.any(String), status: "done", deleted: 1 },
    });
    expect(Date.parse(first.retention.Reflections!.before!)).toBeCloseTo(Date.now() - 365 * DAY, -5);
    expect(first.succeeded).toBe(3);
    expect(await remaining()).toEqual({ reflections: ["new-reflection"], events: ["new-event"], rejections: ["new-token"] });

    // The file and its write-ahead log: the deleted reflection's text is gone, the kept one is there.
    const dir = testDataDir();
    const bytes = ["records.db", "records.db-wal"]
      .filter((f) => existsSync(path.join(dir, f)))
      .map((f) => readFileSync(path.join(dir, f)).toString("latin1"))
      .join("\n");
    expect(bytes).toContain(NEW_TEXT);
    expect(bytes).not.toContain(OLD_TEXT);

    // The cron ticks again the same day: nothing is queued again, the counts stand.
    await (await records()).create("Reflections", [{ "Submission ID": "old-2", Date: ago(500) }]);
    const second = await cron();
    expect(second.succeeded).toBe(0);
    expect(second.retention.Reflections).toMatchObject({ status: "done", deleted: 1 });
    expect((await remaining()).reflections).toEqual(["new-reflection", "old-2"]);
  });

  it("keeps a table whose retention is unset or 0", async () => {
    configure({ reflections: "0", rejections: "30" });
    await seed();
    const answer = await cron();
    expect(answer.retention.Reflections).toEqual({ days: 0, status: "kept" });
    expect(answer.retention["Crisis Events"]).toEqual({ days: 0, status: "kept" });
    expect(answer.retention["Intake Rejections"]).toMatchObject({ status: "done", deleted: 1 });
    expect(await remaining()).toEqual({
      reflections: ["old-reflection", "new-reflection"],
      events: ["old-event", "new-event"],
      rejections: ["new-token"],
    });
  });

  it("sweeps a large backlog in parts, each its own outbox step", async () => {
    configure({ reflections: "30" });
    const store = await records();
    await store.create(
      "Reflections",
      Array.from({ length: 1005 }, (_, i) => ({ "Submission ID": `old-${i}`, Date: ago(60) })),
    );
    await store.create("Reflections", [{ "Submission ID": "recent", Date: ago(1) }]);
    const answer = await cron();
    expect(answer.succeeded).toBe(2);
    expect(answer.retention.Reflections).toMatchObject({ status: "done", deleted: 1005 });
    expect((await remaining()).reflections).toEqual(["recent"]);
  }, 30_000);

  it("a bad retention variable is reported and skips retention, never the drain", async () => {
    configure({ reflections: "a year" });
    await seed();
    const answer = await cron();
    expect(answer.retention).toEqual({ problem: "check RETENTION_REFLECTIONS_DAYS" });
    expect((await remaining()).reflections).toHaveLength(2);
  });
});

describe("retention on Airtable", () => {
  function useAirtable() {
    const airtable = airtableEmulator();
    airtable.seedFromSchema();
    server.use(...airtable.handlers);
    useEnv({ AIRTABLE_API_KEY: TEST_TOKEN, AIRTABLE_BASE_ID: TEST_BASE_ID });
    return airtable;
  }

  it("deletes the rows past retention in the emulated base, asking Airtable for the old rows only", async () => {
    const airtable = useAirtable();
    configure({ reflections: "365", events: "180", rejections: "30" });
    await seed();
    const answer = await cron();
    expect(answer.retention).toMatchObject({
      Reflections: { status: "done", deleted: 1 },
      "Crisis Events": { status: "done", deleted: 1 },
      "Intake Rejections": { status: "done", deleted: 1 },
    });
    expect(airtable.rows("Reflections").map((r) => r.fields["Submission ID"])).toEqual(["new-reflection"]);
    expect(airtable.rows("Crisis Events").map((r) => r.fields["Event ID"])).toEqual(["new-event"]);
    expect(airtable.rows("Intake Rejections").map((r) => r.fields.Token)).toEqual(["new-token"]);
    expect(JSON.stringify(airtable.rows("Reflections"))).not.toContain(OLD_TEXT);
    // Only the old rows were asked to be deleted: one each.
    const deletes = airtable.requests.filter((r) => r.method === "DELETE").map((r) => [r.table, r.records]);
    expect(deletes.sort()).toEqual([
      ["Crisis Events", 1],
      ["Intake Rejections", 1],
      ["Reflections", 1],
    ]);
  });

  it("waits out an Airtable outage as a pending step, and finishes on a later run without losing the sweep", async () => {
    const airtable = useAirtable();
    configure({ reflections: "365" });
    await seed();
    airtable.outage(503);
    const during = await cron();
    expect(during.retention.Reflections).toMatchObject({ status: "pending", deleted: 0 });
    expect((await pendingSteps(await kv())).map((s) => s.kind)).toContain("privacy.retention");
    airtable.clearOutage();
    // The step's backoff has passed: move its next try to now, as time would.
    const store = await kv();
    for (const step of await pendingSteps(store)) await store.zadd("outbox:due", step.id, Date.now() - 1);
    const after = await cron();
    expect(after.retention.Reflections).toMatchObject({ status: "done", deleted: 1 });
    expect(airtable.rows("Reflections").map((r) => r.fields["Submission ID"])).toEqual(["new-reflection"]);
  });
});

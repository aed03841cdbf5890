import Database from "better-sqlite3";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { GET as drainCron } from "../../api/cron/drain.js";
import { POST } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { createApp, loadRoutes } from "../../lib/platform/dev-server.js";
import { kv } from "../../lib/platform/kv/index.js";
import { failedSteps, pendingSteps } from "../../lib/platform/outbox/outbox.js";
import { records, RecordsError, setRecordsForTesting } from "../../lib/platform/records/index.js";
import { setKvForTesting } from "../../lib/platform/kv/index.js";
import { brokenKv, brokenRecords } from "../support/broken.js";
import { TEST_UPSTASH_TOKEN, TEST_UPSTASH_URL, upstashEmulator } from "../support/upstash-emulator.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { capturedLogs } from "../support/logs.js";
import { server } from "../support/msw.js";
import { get, postJson } from "../support/http.js";
import { testDataDir, useEnv } from "../support/env.js";

const river = { healingName: "River", reflection: "I slept well", milestone: "Day 7" };

async function nothingWritten() {
  const store = await records();
  expect(await store.list("Reflections")).toEqual([]);
  expect(await store.list("Users")).toEqual([]);
  expect(await pendingSteps(await kv())).toEqual([]);
}

function useAirtable(options: { wall?: () => number } = {}) {
  const emulator = airtableEmulator(options);
  emulator.seedFromSchema();
  server.use(...emulator.handlers);
  useEnv({ AIRTABLE_API_KEY: TEST_TOKEN, AIRTABLE_BASE_ID: TEST_BASE_ID });
  return emulator;
}

describe("POST /api/reflection", () => {
  it("stores the reflection in the SQLite file, linked to a new Users record", async () => {
    const response = await POST(postJson("/api/reflection", river));
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({ status: "success", id: expect.any(String), recordId: expect.stringMatching(/^rec/) });

    const db = new Database(path.join(testDataDir(), "records.db"), { readonly: true });
    const users = db.prepare(`SELECT id, "Healing Name" AS name FROM "Users"`).all() as { id: string; name: string }[];
    const rows = db.prepare(`SELECT * FROM "Reflections"`).all() as Record<string, string>[];
    db.close();
    expect(users).toEqual([{ id: expect.stringMatching(/^rec/), name: "River" }]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: body.recordId,
      "Submission ID": body.id,
      "Healing Name": "River",
      "Reflection Text": "I slept well",
      Milestone: "Day 7",
    });
    expect(JSON.parse(rows[0]!.User!)).toEqual([users[0]!.id]);
  });

  it("trims fields and links a second reflection to the same user", async () => {
    await POST(postJson("/api/reflection", river));
    const response = await POST(postJson("/api/reflection", { healingName: "  River ", reflection: "  Day 8 felt lighter \n" }));
    expect(response.status).toBe(201);
    const store = await records();
    const users = await store.list("Users");
    expect(users).toHaveLength(1);
    const reflections = await store.list("Reflections");
    expect(reflections.map((r) => r.fields["Reflection Text"])).toEqual(["I slept well", "Day 8 felt lighter"]);
    expect(reflections.every((r) => (r.fields.User as string[])[0] === users[0]!.id)).toBe(true);
  });

  it("keeps one record when the same submission is sent twice", async () => {
    const body = { ...river, submissionId: "client-sub-0001" };
    const first = await POST(postJson("/api/reflection", body));
    const second = await POST(postJson("/api/reflection", body));
    expect([first.status, second.status]).toEqual([201, 201]);
    expect((await second.json()).id).toBe("client-sub-0001");
    expect(await (await records()).find("Reflections", { "Submission ID": "client-sub-0001" })).toHaveLength(1);
  });

  it.each([
    ["not JSON", "{healingName: River", 400, "invalid_json"],
    ["an empty body", "", 400, "invalid_json"],
    ["a JSON array", JSON.stringify([river]), 422, "unprocessable_entity"],
    ["a JSON string", JSON.stringify("River"), 422, "unprocessable_entity"],
    ["null", "null", 422, "unprocessable_entity"],
    ["missing reflection", JSON.stringify({ healingName: "River" }), 422, "unprocessable_entity"],
    ["missing Healing Name", JSON.stringify({ reflection: "hi" }), 422, "unprocessable_entity"],
    ["a number as Healing Name", JSON.stringify({ healingName: 42, reflection: "hi" }), 422, "unprocessable_entity"],
    ["an object as reflection", JSON.stringify({ healingName: "River", reflection: { text: "hi" } }), 422, "unprocessable_entity"],
    ["a whitespace-only reflection", JSON.stringify({ healingName: "River", reflection: " \n\t " }), 422, "unprocessable_entity"],
    ["a whitespace-only Healing Name", JSON.stringify({ healingName: "   ", reflection: "hi" }), 422, "unprocessable_entity"],
    ["a whitespace-only milestone", JSON.stringify({ ...river, milestone: "  " }), 422, "unprocessable_entity"],
    ["an 81-character Healing Name", JSON.stringify({ healingName: "a".repeat(81), reflection: "hi" }), 422, "unprocessable_entity"],
    [
      "a 20,001-character reflection",
      JSON.stringify({ healingName: "River", reflection: "a".repeat(20_001) }),
      422,
      "unprocessable_entity",
    ],
    ["a 41-character milestone", JSON.stringify({ ...river, milestone: "d".repeat(41) }), 422, "unprocessable_entity"],
    ["a control character in the name", JSON.stringify({ healingName: "Ri\u0000ver", reflection: "hi" }), 422, "unprocessable_entity"],
    ["a malformed submissionId", JSON.stringify({ ...river, submissionId: "../../x" }), 422, "unprocessable_entity"],
    ["an unknown field", JSON.stringify({ ...river, admin: true }), 422, "unprocessable_entity"],
    ["a 1 MB body", JSON.stringify({ healingName: "River", reflection: "a".repeat(1024 * 1024) }), 413, "payload_too_large"],
  ])("answers %s with a 4xx JSON error and writes nothing", async (_case, raw, status, code) => {
    const response = await POST(postJson("/api/reflection", raw));
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
    await nothingWritten();
  });

  it("refuses a body that is not declared as JSON with 415", async () => {
    const request = new Request("http://localhost/api/reflection", {
      method: "POST",
      body: JSON.stringify(river),
      headers: { "content-type": "text/plain" },
    });
    const response = await POST(request);
    expect(response.status).toBe(415);
    await nothingWritten();
  });

  it("refuses a streamed body past the limit even without Content-Length", async () => {
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const request = new Request("http://localhost/api/reflection", {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect((await POST(request)).status).toBe(413);
    await nothingWritten();
  });

  it("answers a wrong method with 405 and Allow through the runner", async () => {
    const app = createApp(await loadRoutes(path.resolve("api")));
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await app(new Request("http://localhost/api/reflection", { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect((await response.json()).error.code).toBe("method_not_allowed");
    }
    await nothingWritten();
  });

  it("rate limits per IP with 429 and Retry-After", async () => {
    vi.useFakeTimers({ toFake: ["Date"] }); // a window boundary mid-test would reset the count
    let last: Response | undefined;
    for (let i = 0; i < 31; i++)
      last = await POST(postJson("/api/reflection", { ...river, reflection: `note ${i}` }, { "x-forwarded-for": "198.51.100.9" }));
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    const other = await POST(postJson("/api/reflection", river, { "x-forwarded-for": "198.51.100.10" }));
    expect(other.status).toBe(201);
  });

  it("screens the reflection: at high it is still saved, the answer carries resources, and a Crisis Event is recorded", async () => {
    const response = await POST(
      postJson("/api/reflection", {
        healingName: "River",
        reflection: "Day 7 and I want to kill myself",
        milestone: "Day 7",
        country: "IE",
      }),
    );
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.safety).toMatchObject({
      level: "high",
      categories: ["suicidal_ideation"],
      resources: { country: "IE", emergency: "112 or 999" },
    });
    await settleBackground();
    const store = await records();
    const [saved] = await store.find("Reflections", { "Submission ID": body.id });
    expect(saved!.fields).toMatchObject({ "Crisis Level": "high", "Reflection Text": "Day 7 and I want to kill myself" });
    const events = await store.list("Crisis Events");
    expect(events.map((e) => e.fields)).toEqual([
      expect.objectContaining({ Level: "high", Source: "reflection", "Healing Name": "River", Country: "IE", User: saved!.fields.User }),
    ]);
  });

  it("records the screen's level on an ordinary reflection and adds no resources", async () => {
    const body = await (await POST(postJson("/api/reflection", river))).json();
    expect(body.safety).toEqual({ level: "none", categories: [] });
    const [saved] = await (await records()).find("Reflections", { "Submission ID": body.id });
    expect(saved!.fields["Crisis Level"]).toBe("none");
    await settleBackground();
    expect(await (await records()).list("Crisis Events")).toEqual([]);
  });

  it("never writes reflection text to the logs", async () => {
    capturedLogs.length = 0;
    await POST(postJson("/api/reflection", { healingName: "River", reflection: "my secret sentence about the night" }));
    expect(capturedLogs.length).toBeGreaterThan(0);
    expect(capturedLogs.join("\n")).not.toContain("secret sentence");
  });
});

describe("POST /api/reflection: lengths are counted the same way everywhere", () => {
  it.each([
    ["a milestone of 25 emoji", { ...river, milestone: "🌱".repeat(25) }],
    ["a milestone of 40 emoji", { ...river, milestone: "🌱".repeat(40) }],
    ["a Healing Name of 80 emoji", { ...river, healingName: "🌊".repeat(80) }],
  ])("stores %s (within the limit in characters, over it in UTF-16 units)", async (_case, body) => {
    const response = await POST(postJson("/api/reflection", body));
    expect(response.status).toBe(201);
    await settleBackground();
    const [stored] = await (await records()).list("Reflections");
    expect(stored!.fields).toMatchObject({ Milestone: body.milestone, "Healing Name": body.healingName });
    expect(await failedSteps(await kv())).toEqual([]);
  });

  it("refuses a milestone of 41 emoji with 422", async () => {
    const response = await POST(postJson("/api/reflection", { ...river, milestone: "🌱".repeat(41) }));
    expect(response.status).toBe(422);
    await nothingWritten();
  });

  it("answers 422, not 202, when the store refuses a value it can never hold, and queues nothing", async () => {
    const real = await records();
    setRecordsForTesting({
      ...real,
      backend: real.backend,
      upsert: (table, input) =>
        table === "Reflections"
          ? Promise.reject(
              new RecordsError("INVALID_VALUE_FOR_COLUMN", 'Field "Milestone" cannot accept the provided value', { status: 422 }),
            )
          : real.upsert(table, input),
    });
    const response = await POST(postJson("/api/reflection", river));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      error: { code: "unprocessable_entity", message: expect.stringContaining("cannot be stored") },
    });
    await settleBackground();
    expect((await pendingSteps(await kv())).filter((step) => step.kind === "reflection.write")).toEqual([]);
    expect(await failedSteps(await kv())).toEqual([]);
  });
});

describe("POST /api/reflection with both stores down", () => {
  const notSaved = {
    error: { code: "service_unavailable", message: expect.stringContaining("Your reflection was not saved") },
  };

  it("answers 503 with Retry-After and says nothing was saved, never a 500", async () => {
    setRecordsForTesting(brokenRecords());
    setKvForTesting(brokenKv());
    const response = await POST(postJson("/api/reflection", river));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("60");
    expect(await response.json()).toEqual(notSaved);
  });

  it("answers 503 when the Airtable and Upstash emulators both fail", async () => {
    const airtable = useAirtable();
    airtable.outage(503);
    const upstash = upstashEmulator();
    upstash.setDown(true);
    server.use(...upstash.handlers);
    useEnv({ UPSTASH_REDIS_REST_URL: TEST_UPSTASH_URL, UPSTASH_REDIS_REST_TOKEN: TEST_UPSTASH_TOKEN });
    const response = await POST(postJson("/api/reflection", { ...river, submissionId: "both-down-0001" }));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual(notSaved);
    expect(airtable.rows("Reflections")).toEqual([]);
  });
});

describe("POST /api/reflection on Airtable", () => {
  it("writes to Airtable and links the Users record", async () => {
    const emulator = useAirtable();
    const response = await POST(postJson("/api/reflection", river));
    expect(response.status).toBe(201);
    const [user] = emulator.rows("Users");
    expect(user!.fields).toMatchObject({ "Healing Name": "River", "Created At": expect.any(String) });
    expect(emulator.rows("Reflections")[0]!.fields).toMatchObject({ User: [user!.id], "Reflection Text": "I slept well" });
  });

  it("answers 202 within its budget on a 429, keeps the reflection in the outbox, and the drain writes it exactly once after the lockout", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const emulator = useAirtable();
    emulator.outage(429, 1);
    const response = await POST(postJson("/api/reflection", { ...river, submissionId: "retry-me-0001" }));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "accepted", id: "retry-me-0001", safety: { level: "none", categories: [] } });
    await settleBackground();
    expect(emulator.rows("Reflections")).toEqual([]);
    const reflectionSteps = async () => (await pendingSteps(await kv())).filter((s) => s.kind === "reflection.write");
    expect((await reflectionSteps()).map((s) => s.id)).toEqual(["reflection:retry-me-0001"]);

    // Still locked out: the cron drain leaves it pending and sends nothing to Airtable.
    const before = emulator.requests.length;
    expect((await (await drainCron(get("/api/cron/drain"))).json()).succeeded).toBe(0);
    expect(emulator.requests.length).toBe(before);

    vi.advanceTimersByTime(61_000);
    // The reflection, and the Day 7 journey steps that waited on the same lockout.
    expect((await (await drainCron(get("/api/cron/drain"))).json()).succeeded).toBeGreaterThanOrEqual(1);
    expect((await (await drainCron(get("/api/cron/drain"))).json()).succeeded).toBe(0);
    expect(emulator.rows("Reflections").map((r) => r.fields["Submission ID"])).toEqual(["retry-me-0001"]);
    expect(emulator.requests.filter((r) => r.table === "Reflections" && r.status === 200)).toHaveLength(1);
    expect(await reflectionSteps()).toEqual([]);
  });

  it("answers 202 when Airtable is slower than the budget, and the late write plus the drain still leave one record", async () => {
    useEnv({ REFLECTION_WRITE_BUDGET_MS: "300" });
    const emulator = useAirtable();
    emulator.slow(1500);
    const response = await POST(postJson("/api/reflection", { ...river, submissionId: "slow-write-01" }));
    expect(response.status).toBe(202);
    // The late write lands once the slow emulator answers: wait for that, not for a fixed time.
    await vi.waitFor(() => expect(emulator.requests.some((r) => r.table === "Reflections" && r.status === 200)).toBe(true), {
      timeout: 10_000,
      interval: 25,
    });
    emulator.slow(0);
    await settleBackground();
    await drainCron(get("/api/cron/drain"));
    expect(emulator.rows("Reflections").map((r) => r.fields["Submission ID"])).toEqual(["slow-write-01"]);
    useEnv({ REFLECTION_WRITE_BUDGET_MS: undefined });
  });

  it("drains 25 queued reflections in 3 Airtable writes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    // The emulator's 5 requests/s window runs on its own wall clock, moved by hand below.
    let wallSkewMs = 0;
    const emulator = useAirtable({ wall: () => performance.now() + wallSkewMs });
    emulator.outage(429, 1);
    for (let i = 0; i < 25; i++) {
      const response = await POST(
        postJson("/api/reflection", { healingName: `Name ${i % 3}`, reflection: `entry ${i}` }, { "x-forwarded-for": `192.0.2.${i}` }),
      );
      expect(response.status).toBe(202);
    }
    await settleBackground();
    expect(await pendingSteps(await kv())).toHaveLength(25);
    vi.advanceTimersByTime(61_000);
    // The faked Date jumps the 30 s lockout; the emulator's 5 requests/s window runs on its wall
    // clock, so move that past its last second too, or the pace and the emulator disagree on "now".
    wallSkewMs += 1100;
    const result = await (await drainCron(get("/api/cron/drain"))).json();
    expect(result).toMatchObject({ succeeded: 25, failed: 0 });
    const writes = emulator.requests.filter((r) => r.table === "Reflections" && r.status === 200);
    expect(writes.map((w) => [w.method, w.records])).toEqual([
      ["PATCH", 10],
      ["PATCH", 10],
      ["PATCH", 5],
    ]);
    expect(emulator.rows("Reflections")).toHaveLength(25);
    expect(emulator.rows("Users")).toHaveLength(3);
  });

  it("parks a reflection Airtable permanently refuses as a failed step instead of losing it", async () => {
    const emulator = useAirtable();
    emulator.tables.find((t) => t.name === "Reflections")!.fields = emulator.tables
      .find((t) => t.name === "Reflections")!
      .fields.filter((f) => f.name !== "Milestone");
    const response = await POST(postJson("/api/reflection", river));
    expect(response.status).toBe(202);
    await settleBackground();
    const failed = await failedSteps(await kv());
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ kind: "reflection.write", lastError: "RecordsError: UNKNOWN_FIELD_NAME" });
  });
});

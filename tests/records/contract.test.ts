// One contract, two implementations: the embedded SQLite store for real, and the Airtable store
// against an emulated base that enforces Airtable's limits.
import { beforeEach, describe, expect, it } from "vitest";
import { createAirtableRecords } from "../../lib/vendors/airtable/records.js";
import { createSqliteRecords } from "../../lib/platform/records/sqlite.js";
import { RecordsError, type RecordsStore } from "../../lib/platform/records/index.js";
import { openDatabase } from "../../lib/platform/sqlite.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { server } from "../support/msw.js";

type Emulator = ReturnType<typeof airtableEmulator>;

const implementations: [string, () => { store: RecordsStore; emulator?: Emulator }][] = [
  ["sqlite", () => ({ store: createSqliteRecords(openDatabase("records")) })],
  [
    "airtable",
    () => {
      const emulator = airtableEmulator();
      emulator.seedFromSchema();
      server.use(...emulator.handlers);
      const store = createAirtableRecords({
        apiKey: TEST_TOKEN,
        baseId: TEST_BASE_ID,
        endpointUrl: "https://api.airtable.com",
        timeoutMs: 2000,
      });
      return { store, emulator };
    },
  ],
];

describe.each(implementations)("records contract (%s)", (_name, make) => {
  let store: RecordsStore;
  beforeEach(() => {
    store = make().store;
  });

  it("creates records and reads them back, leaving empty cells out", async () => {
    const [created] = await store.create("Users", [{ "Healing Name": "River", Email: "", "Consent to Data Storage": false }]);
    expect(created!.id).toMatch(/^rec\w+$/);
    expect(created!.fields).toEqual({ "Healing Name": "River" });
    expect(await store.get("Users", created!.id)).toEqual(created);
    expect(await store.get("Users", "recDOESNOTEXIST00")).toBeNull();
  });

  it("creates any number of records", async () => {
    const created = await store.create(
      "Users",
      Array.from({ length: 25 }, (_, i) => ({ "Healing Name": `Name ${i}` })),
    );
    expect(created).toHaveLength(25);
    expect((await store.list("Users")).map((r) => r.fields["Healing Name"])).toEqual(created.map((r) => r.fields["Healing Name"]));
  });

  it("refuses an unknown field with UNKNOWN_FIELD_NAME and writes nothing", async () => {
    await expect(store.create("Users", [{ "Healing Name": "A" }, { "Favourite Colour": "blue" }])).rejects.toMatchObject({
      code: "UNKNOWN_FIELD_NAME",
    });
    expect(await store.list("Users")).toEqual([]);
  });

  it("refuses a select option the schema does not have", async () => {
    await expect(store.create("Users", [{ "Healing Name": "A", Plan: "platinum" }])).rejects.toMatchObject({
      code: "INVALID_VALUE_FOR_COLUMN",
    });
  });

  it("upserts by merge field: creates once, then updates the same record", async () => {
    const first = await store.upsert("Reflections", {
      mergeOn: ["Submission ID"],
      records: [{ "Submission ID": "sub-1", "Reflection Text": "first" }],
    });
    expect(first.createdRecords).toHaveLength(1);
    const second = await store.upsert("Reflections", {
      mergeOn: ["Submission ID"],
      records: [{ "Submission ID": "sub-1", "Reflection Text": "second", Milestone: "Day 7" }],
    });
    expect(second.updatedRecords).toEqual(first.createdRecords);
    const all = await store.list("Reflections");
    expect(all).toHaveLength(1);
    expect(all[0]!.fields).toEqual({ "Submission ID": "sub-1", "Reflection Text": "second", Milestone: "Day 7" });
  });

  it.each(["O'Brien", "back\\slash", "x' OR '1'='1", "quote'); DELETE", "{Healing Name}"])(
    "finds exactly the record named %s (formula values are escaped)",
    async (name) => {
      await store.create("Users", [{ "Healing Name": name }, { "Healing Name": "x" }, { "Healing Name": "1" }]);
      const found = await store.find("Users", { "Healing Name": name });
      expect(found.map((r) => r.fields["Healing Name"])).toEqual([name]);
    },
  );

  it("finds by several fields, including a checkbox", async () => {
    await store.create("Users", [
      { "Healing Name": "A", Plan: "member", "Consent to Data Storage": true },
      { "Healing Name": "B", Plan: "member" },
      { "Healing Name": "C", Plan: "free", "Consent to Data Storage": true },
    ]);
    const found = await store.find("Users", { Plan: "member", "Consent to Data Storage": true });
    expect(found.map((r) => r.fields["Healing Name"])).toEqual(["A"]);
    expect((await store.find("Users", { "Consent to Data Storage": false })).map((r) => r.fields["Healing Name"])).toEqual(["B"]);
  });

  it("updates by merging fields, and null clears a field", async () => {
    const [user] = await store.create("Users", [{ "Healing Name": "A", Plan: "free", "Stripe Customer ID": "cus_1" }]);
    const [updated] = await store.update("Users", [{ id: user!.id, fields: { Plan: "member", "Stripe Customer ID": null } }]);
    expect(updated!.fields).toEqual({ "Healing Name": "A", Plan: "member" });
    await expect(store.update("Users", [{ id: "recMISSING0000000", fields: { Plan: "free" } }])).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("keeps linked records as arrays of record ids", async () => {
    const [user] = await store.create("Users", [{ "Healing Name": "River" }]);
    const [reflection] = await store.create("Reflections", [{ "Submission ID": "s1", User: [user!.id] }]);
    expect((await store.get("Reflections", reflection!.id))!.fields.User).toEqual([user!.id]);
  });

  it("deletes records", async () => {
    const created = await store.create(
      "Users",
      Array.from({ length: 12 }, (_, i) => ({ "Healing Name": `N${i}` })),
    );
    const deleted = await store.delete(
      "Users",
      created.map((r) => r.id),
    );
    expect(deleted.sort()).toEqual(created.map((r) => r.id).sort());
    expect(await store.list("Users")).toEqual([]);
  });

  it("finds records whose date field is before a time (retention), leaving blank dates alone", async () => {
    await store.create("Reflections", [
      { "Submission ID": "old-1", Date: "2025-01-01T08:00:00.000Z" },
      { "Submission ID": "new-1", Date: "2026-06-01T08:00:00.000Z" },
      { "Submission ID": "old-2", Date: "2025-12-31T23:59:59.000Z" },
      { "Submission ID": "undated" },
    ]);
    const old = await store.olderThan("Reflections", "Date", "2026-01-01T00:00:00.000Z");
    expect(old.map((r) => r.fields["Submission ID"]).sort()).toEqual(["old-1", "old-2"]);
    expect(await store.olderThan("Reflections", "Date", "2026-01-01T00:00:00.000Z", { limit: 1 })).toHaveLength(1);
    await expect(store.olderThan("Reflections", "Milestone", "2026-01-01T00:00:00.000Z")).rejects.toMatchObject({
      code: "INVALID_REQUEST",
    });
    await expect(store.olderThan("Reflections", "Nope", "2026-01-01T00:00:00.000Z")).rejects.toMatchObject({ code: "UNKNOWN_FIELD_NAME" });
  });

  it("lists past one page", async () => {
    await store.create(
      "Crisis Events",
      Array.from({ length: 105 }, (_, i) => ({ "Event ID": `e${i}`, Level: "high" })),
    );
    const all = await store.list("Crisis Events");
    expect(all).toHaveLength(105);
    expect(new Set(all.map((r) => r.fields["Event ID"])).size).toBe(105);
  }, 60_000);
});

describe("Airtable store against Airtable's limits", () => {
  function setup(options: { timeoutMs?: number } = {}) {
    const emulator = airtableEmulator();
    emulator.seedFromSchema();
    server.use(...emulator.handlers);
    const store = createAirtableRecords({
      apiKey: TEST_TOKEN,
      baseId: TEST_BASE_ID,
      endpointUrl: "https://api.airtable.com",
      timeoutMs: options.timeoutMs ?? 2000,
    });
    return { emulator, store };
  }

  it("writes 25 records in 3 requests of at most 10", async () => {
    const { emulator, store } = setup();
    await store.create(
      "Users",
      Array.from({ length: 25 }, (_, i) => ({ "Healing Name": `N${i}` })),
    );
    expect(emulator.requests.map((r) => [r.method, r.records, r.status])).toEqual([
      ["POST", 10, 200],
      ["POST", 10, 200],
      ["POST", 5, 200],
    ]);
  });

  it("paces its own requests under 5/s, so a burst never earns the lockout", async () => {
    const { emulator, store } = setup();
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.find("Users", { "Healing Name": `N${i}` })));
    expect(emulator.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(emulator.requests).toHaveLength(8);
  });

  it("maps a 429 to RATE_LIMITED and then fails fast through the 30 s lockout without calling Airtable", async () => {
    const { emulator, store } = setup();
    emulator.outage(429, 1);
    await expect(store.list("Users")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    const before = emulator.requests.length;
    const error = await store.list("Users").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordsError);
    expect((error as RecordsError).options.retryAfterMs).toBeGreaterThan(25_000);
    expect(emulator.requests.length).toBe(before);
  });

  it("gives up on a slow Airtable after its request timeout", async () => {
    const { emulator, store } = setup({ timeoutMs: 200 });
    emulator.slow(1000);
    await expect(store.list("Users")).rejects.toMatchObject({ code: "TIMEOUT" });
  });

  it("retries a 500 once, then reports UNAVAILABLE", async () => {
    const { emulator, store } = setup();
    emulator.outage(500);
    await expect(store.list("Users")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(emulator.requests.map((r) => r.status)).toEqual([500, 500]);
    emulator.clearOutage();
    emulator.outage(500, 1);
    await expect(store.list("Users")).resolves.toEqual([]);
  });

  it("is held to Airtable's limits by the emulated base: 11 records in one request is a 422", async () => {
    const { emulator } = setup();
    const response = await fetch(`https://api.airtable.com/v0/${TEST_BASE_ID}/Users`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ records: Array.from({ length: 11 }, (_, i) => ({ fields: { "Healing Name": `N${i}` } })) }),
    });
    expect(response.status).toBe(422);
    expect((await response.json()).error.type).toBe("INVALID_RECORDS");
    expect(emulator.rows("Users")).toEqual([]);
  });

  it("reports a refused token as AUTH", async () => {
    const emulator = airtableEmulator();
    server.use(...emulator.handlers);
    const store = createAirtableRecords({
      apiKey: "wrong",
      baseId: TEST_BASE_ID,
      endpointUrl: "https://api.airtable.com",
      timeoutMs: 2000,
    });
    await expect(store.list("Users")).rejects.toMatchObject({ code: "AUTH" });
  });
});

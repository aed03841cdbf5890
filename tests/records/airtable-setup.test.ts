import { beforeEach, describe, expect, it, vi } from "vitest";
import { setupAirtableBase } from "../../lib/vendors/airtable/setup.js";
import { createAirtableRecords } from "../../lib/vendors/airtable/records.js";
import { SCHEMA, TABLE_NAMES } from "../../lib/platform/records/schema.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { server } from "../support/msw.js";

describe("npm run setup:airtable", () => {
  let emulator: ReturnType<typeof airtableEmulator>;
  let printed: string[];
  const run = (apiKey = TEST_TOKEN) =>
    setupAirtableBase({
      endpointUrl: "https://api.airtable.com",
      apiKey,
      baseId: TEST_BASE_ID,
      print: (line) => void printed.push(line),
      // Waiting moves the emulated clock, so the 5 requests/s pacing is exercised for real.
      sleep: async (ms) => void vi.advanceTimersByTime(ms),
    });

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    // The script's pacing sleeps move the faked clock, so the rate window must read it too.
    emulator = airtableEmulator({ wall: () => Date.now() });
    server.use(...emulator.handlers);
    printed = [];
  });

  it("creates every table and field of the schema in an empty base, then the store can write every field", async () => {
    const result = await run();
    expect(result.createdTables).toEqual(TABLE_NAMES);
    expect(result.warnings).toEqual([]);
    for (const name of TABLE_NAMES) {
      const table = emulator.tables.find((t) => t.name === name)!;
      for (const [field, spec] of Object.entries(SCHEMA[name].fields)) {
        expect(table.fields.find((f) => f.name === field)?.type).toBe(spec.type);
      }
      expect(table.fields[0]!.name).toBe(SCHEMA[name].primary);
    }
    expect(printed).toContain(`+ table Users (${Object.keys(SCHEMA.Users.fields).length} fields)`);
    expect(printed).toContain("  + field Reflections.User (multipleRecordLinks)");

    vi.advanceTimersByTime(2000);
    const store = createAirtableRecords({
      apiKey: TEST_TOKEN,
      baseId: TEST_BASE_ID,
      endpointUrl: "https://api.airtable.com",
      timeoutMs: 2000,
    });
    const [user] = await store.create("Users", [
      {
        "Healing Name": "River",
        Email: "river@example.org",
        "Consent to Data Storage": true,
        "Consent Updated At": new Date().toISOString(),
        Plan: "member",
        "Subscription Status": "active",
      },
    ]);
    await store.create("Crisis Events", [
      { "Event ID": "e1", User: [user!.id], Level: "high", Categories: ["self_harm"], Source: "chat", Status: "New" },
    ]);
    expect(emulator.rows("Crisis Events")).toHaveLength(1);
  });

  it("is safe to run twice: the second run creates nothing", async () => {
    await run();
    const fieldCount = emulator.tables.map((t) => t.fields.length);
    printed = [];
    const second = await run();
    expect(second).toEqual({ createdTables: [], createdFields: [], warnings: [] });
    expect(emulator.tables.map((t) => t.fields.length)).toEqual(fieldCount);
    expect(printed).toContain("= table Users");
  });

  it("adds only the missing fields to an existing table, warns about a mismatch, and deletes nothing", async () => {
    const users = await fetch(`https://api.airtable.com/v0/meta/bases/${TEST_BASE_ID}/tables`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "Users",
        fields: [
          { name: "Healing Name", type: "singleLineText" },
          { name: "Plan", type: "singleLineText" },
          { name: "Operator Notes", type: "multilineText" },
        ],
      }),
    });
    expect(users.status).toBe(200);
    const result = await run();
    expect(result.createdTables).toEqual(["Reflections", "Crisis Events", "Intake Rejections", "Privacy Requests"]);
    expect(result.createdFields).toContain("Users.Email");
    expect(result.createdFields).not.toContain("Users.Plan");
    expect(result.warnings).toEqual(["Users.Plan is singleLineText, expected singleSelect — left as it is"]);
    const names = emulator.tables.find((t) => t.name === "Users")!.fields.map((f) => f.name);
    expect(names).toContain("Operator Notes");
  });

  it("explains a token without schema scope", async () => {
    await expect(run("wrong-token")).rejects.toThrow(/schema\.bases:write/);
  });
});

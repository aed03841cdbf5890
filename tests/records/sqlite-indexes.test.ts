// The embedded records store looks records up by their merge and lookup fields through an index,
// never by reading the whole table: at 100,000 rows an upsert costs what it costs in an empty file.
import { describe, expect, it } from "vitest";
import { createSqliteRecords, findQuery } from "../../lib/platform/records/sqlite.js";
import { LOOKUP_FIELDS, TABLE_NAMES, type TableName } from "../../lib/platform/records/schema.js";
import { openDatabase } from "../../lib/platform/sqlite.js";

const LOOKUPS = TABLE_NAMES.flatMap((table) => LOOKUP_FIELDS[table].map((field) => [table, field] as [TableName, string]));

describe("the embedded records store's lookups", () => {
  it.each(LOOKUPS)("finds %s by %s through an index", (table, field) => {
    const db = openDatabase("records");
    createSqliteRecords(db);
    const { sql, params } = findQuery(table, { [field]: "x" }, 2);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    expect(plan.map((row) => row.detail).join("; ")).toMatch(/SEARCH records USING INDEX records_by_\w+ \(tbl=\? AND <expr>=\?\)/);
  });

  it("uses the Healing Name index for the intake's 'same name, no email yet' lookup", () => {
    const db = openDatabase("records");
    createSqliteRecords(db);
    const { sql, params } = findQuery("Users", { "Healing Name": "River", Email: "" }, 1);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    expect(plan.map((row) => row.detail).join("; ")).toContain("USING INDEX records_by_healing_name");
  });

  it("still finds and merges by those fields among many rows", async () => {
    const store = createSqliteRecords(openDatabase("records"));
    await store.create(
      "Reflections",
      Array.from({ length: 2000 }, (_, i) => ({ "Submission ID": `sub-${i}`, "Healing Name": `Name ${i % 50}` })),
    );
    const result = await store.upsert("Reflections", {
      mergeOn: ["Submission ID"],
      records: [
        { "Submission ID": "sub-1234", Milestone: "Day 7" },
        { "Submission ID": "sub-new", Milestone: "Day 1" },
      ],
    });
    expect(result.updatedRecords).toHaveLength(1);
    expect(result.createdRecords).toHaveLength(1);
    expect((await store.find("Reflections", { "Submission ID": "sub-1234" }))[0]!.fields).toMatchObject({
      "Healing Name": "Name 34",
      Milestone: "Day 7",
    });
    expect(await store.find("Reflections", { "Healing Name": "Name 7" })).toHaveLength(40);
  });
});

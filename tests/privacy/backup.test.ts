// Backups (issue 10, part 7): npm run backup writes a consistent snapshot of both SQLite stores
// (SQLite's online backup API) and, with Airtable configured, its tables as JSON at the shared
// pace; npm run restore brings a snapshot back into an empty data directory only. Backup then
// restore gives identical query results.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { POST as chatRoute } from "../../api/chat.js";
import { GET as readConversation } from "../../api/conversation.js";
import { POST as reflectionRoute } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { BackupError, createBackup, restoreBackup } from "../../lib/privacy/backup.js";
import { kv } from "../../lib/platform/kv/index.js";
import { enqueue } from "../../lib/platform/outbox/outbox.js";
import "../support/test-steps.js";
import { records, TABLE_NAMES, withPaceWait } from "../../lib/platform/records/index.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { get, postJson } from "../support/http.js";
import { server } from "../support/msw.js";
import { childEnv, rebuildDeps, testDataDir, useEnv } from "../support/env.js";

const run = promisify(execFile);
const freshDir = (label: string) => mkdtempSync(path.join(tmpdir(), `healing-${label}-`));

/** Every query an operator would run against the stores: each table's records, every kv row and sorted-set member. */
async function snapshotQueries() {
  const store = await records();
  const tables = Object.fromEntries(await Promise.all(TABLE_NAMES.map(async (t) => [t, await store.list(t)] as const)));
  const db = new Database(path.join(testDataDir(), "kv.db"), { readonly: true });
  try {
    return {
      tables,
      kv: db.prepare("SELECT key, value, expires_at FROM kv ORDER BY key").all(),
      zset: db.prepare("SELECT key, member, score FROM zset ORDER BY key, member").all(),
    };
  } finally {
    db.close();
  }
}

async function populate() {
  const chat = await chatRoute(postJson("/api/chat", { message: "my garden is blooming again", healingName: "River", consent: true }));
  const { conversationId } = (await chat.json()) as { conversationId: string };
  const reflection = await reflectionRoute(
    postJson("/api/reflection", { healingName: "River", reflection: "Day 8 felt lighter than the first week", milestone: "Day 7" }),
  );
  expect(reflection.status).toBe(201);
  await (await records()).create("Crisis Events", [{ "Event ID": "evt-1", Level: "high", "Created At": new Date().toISOString() }]);
  await enqueue(await kv(), { kind: "test.step", payload: { n: 1 } });
  await settleBackground();
  return conversationId;
}

describe("npm run backup, then npm run restore", () => {
  it("gives identical query results in a fresh data directory, conversation turns included", async () => {
    const conversationId = await populate();
    const before = await snapshotQueries();
    expect(before.tables.Reflections).toHaveLength(1);
    expect(before.kv.length).toBeGreaterThan(3);
    const out = path.join(freshDir("backup"), "snap");
    const manifest = await createBackup({ out, includeKey: true });
    expect(manifest).toMatchObject({ version: 1, sqlite: ["records", "kv"], dataKey: true });
    expect(readdirSync(out).sort()).toEqual(["data-key.json", "kv.db", "manifest.json", "records.db"]);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(out, "kv.db")).mode & 0o777).toBe(0o600);

    // A new, empty data directory: the restored stores answer the same queries the same way.
    useEnv({ DATA_DIR: path.join(freshDir("restore"), "data") });
    const result = restoreBackup({ from: out });
    expect(result.restored).toEqual(["records", "kv", "data key"]);
    rebuildDeps();
    expect(await snapshotQueries()).toEqual(before);
    const read = await readConversation(get(`/api/conversation?id=${conversationId}`));
    expect(((await read.json()) as { turns: { content: string }[] }).turns[0]!.content).toBe("my garden is blooming again");
  });

  it("copies a store consistently while it is being written to", async () => {
    const store = await kv();
    let writing = true;
    let written = 0;
    let underWay!: () => void;
    const writesUnderWay = new Promise<void>((resolve) => (underWay = resolve));
    const writer = (async () => {
      while (writing) {
        await store.set(`load:${written}`, "x".repeat(200));
        written++;
        if (written === 200) underWay();
        if (written % 50 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    await writesUnderWay; // the backup starts while rows are being written, not after a guessed pause
    const out = path.join(freshDir("backup"), "snap");
    await createBackup({ out });
    writing = false;
    await writer;
    const copy = new Database(path.join(out, "kv.db"), { readonly: true });
    try {
      expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
      const rows = (copy.prepare("SELECT count(*) AS n FROM kv WHERE key LIKE 'load:%'").get() as { n: number }).n;
      expect(rows).toBeGreaterThan(0);
      expect(rows).toBeLessThanOrEqual(written);
    } finally {
      copy.close();
    }
  });

  it("restore refuses a data directory that is not empty, and changes nothing", async () => {
    await populate();
    const out = path.join(freshDir("backup"), "snap");
    await createBackup({ out });
    const kvBefore = readFileSync(path.join(testDataDir(), "kv.db"));
    expect(() => restoreBackup({ from: out })).toThrow(BackupError);
    expect(() => restoreBackup({ from: out })).toThrow(/is not empty: restore only into an empty data directory/);
    expect(readFileSync(path.join(testDataDir(), "kv.db")).equals(kvBefore)).toBe(true);
  });

  it("restore refuses a damaged snapshot before copying anything", async () => {
    await populate();
    const out = path.join(freshDir("backup"), "snap");
    await createBackup({ out });
    writeFileSync(path.join(out, "records.db"), "not a database at all, just text padded out ".repeat(200));
    useEnv({ DATA_DIR: path.join(freshDir("restore"), "data") });
    expect(() => restoreBackup({ from: out })).toThrow();
    expect(() => readdirSync(testDataDir())).toThrow();
  });

  it("the scripts: backup without the key says so, restore into an empty directory, and refuse a non-empty one", async () => {
    await populate();
    const out = path.join(freshDir("backup"), "snap");
    const env = { ...childEnv(), LOG_LEVEL: "warn" };
    const backup = await run(process.execPath, ["--import", "tsx", "scripts/backup.ts", "--out", out], { env });
    expect(backup.stdout).toContain(`Snapshot written to ${out}`);
    expect(backup.stdout).toContain("SQLite: records, kv");
    expect(backup.stdout).toContain("data key: not included");
    expect(backup.stdout).toContain("keep it apart, or pass --include-key");

    const target = path.join(freshDir("restore"), "data");
    const restore = await run(process.execPath, ["--import", "tsx", "scripts/restore.ts", out], { env: { ...env, DATA_DIR: target } });
    expect(restore.stdout).toContain(`Restored records, kv from the snapshot of`);
    expect(restore.stdout).toContain("The snapshot has no data key");
    expect(readdirSync(target).sort()).toEqual(["kv.db", "records.db"]);

    const refused = (await run(process.execPath, ["--import", "tsx", "scripts/restore.ts", out], {
      env: { ...env, DATA_DIR: target },
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("is not empty");
  }, 60_000);
});

describe("backup with Airtable configured", () => {
  it("exports every table to JSON, paged, within 5 requests a second", async () => {
    const airtable = airtableEmulator();
    airtable.seedFromSchema();
    server.use(...airtable.handlers);
    useEnv({ AIRTABLE_API_KEY: TEST_TOKEN, AIRTABLE_BASE_ID: TEST_BASE_ID });
    const store = await records();
    await withPaceWait(10_000, async () => {
      await store.create(
        "Reflections",
        Array.from({ length: 230 }, (_, i) => ({ "Submission ID": `s-${i}`, "Healing Name": "River", Date: new Date().toISOString() })),
      );
      await store.create("Users", [{ "Healing Name": "River", "Name Key": "river" }]);
    });
    const seeded = airtable.requests.length;

    const out = path.join(freshDir("backup"), "snap");
    const manifest = await createBackup({ out });
    expect(manifest.sqlite).toEqual(["kv"]);
    expect(manifest.airtable).toEqual({ Users: 1, Reflections: 230, "Crisis Events": 0, "Intake Rejections": 0, "Privacy Requests": 0 });
    const exported = JSON.parse(readFileSync(path.join(out, "airtable", "Reflections.json"), "utf8")) as {
      records: { id: string; fields: Record<string, unknown> }[];
    };
    expect(exported.records.map((r) => r.fields["Submission ID"]).sort()).toEqual(
      airtable
        .rows("Reflections")
        .map((r) => r.fields["Submission ID"])
        .sort(),
    );
    expect(exported.records.map((r) => r.id).sort()).toEqual(
      airtable
        .rows("Reflections")
        .map((r) => r.id)
        .sort(),
    );

    // 3 pages of Reflections and one of each other table, every one answered 200: the emulated
    // base answers a sixth request within a second with a 429 and a lockout, as Airtable does.
    const reads = airtable.requests.slice(seeded);
    expect(reads).toHaveLength(3 + 4);
    expect(reads.every((r) => r.status === 200)).toBe(true);
    expect(reads.filter((r) => r.table === "Reflections")).toHaveLength(3);
  }, 30_000);
});

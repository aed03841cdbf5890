// Backups of the stores (npm run backup / npm run restore). A snapshot is a directory: each
// embedded SQLite store copied with SQLite's online backup API (consistent while the app keeps
// writing), and — when Airtable is the records store — every table exported to JSON through the
// store (paged, at the shared request pace). Restore brings the SQLite files back into an empty
// data directory only: it never overwrites live data. Snapshots hold personal data: the directory
// is created owner-only.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { kvBackend } from "../platform/kv/index.js";
import { KEY_FILE } from "./seal.js";
import { records, recordsBackend, TABLE_NAMES, withPaceWait } from "../platform/records/index.js";
import { backupDatabase, checkDatabaseFile, dataDirectory } from "../platform/sqlite.js";

export const STORES = ["records", "kv"] as const;
const MANIFEST = "manifest.json";

export interface Manifest {
  version: 1;
  createdAt: string;
  /** The SQLite stores copied (a store on a vendor is not: Upstash keeps its own backups). */
  sqlite: string[];
  /** Rows per Airtable table, when Airtable is the records store. */
  airtable?: Record<string, number>;
  /** Whether the local data key file is in the snapshot (only with --include-key). */
  dataKey: boolean;
  notes: string[];
}

export class BackupError extends Error {
  override readonly name = "BackupError";
}

/** Write a snapshot of every store into `out` (created; must not exist yet or be empty). */
export async function createBackup(input: { out: string; includeKey?: boolean }): Promise<Manifest> {
  const out = path.resolve(input.out);
  if (existsSync(out) && readdirSync(out).length) throw new BackupError(`${out} is not empty: choose a new directory for the snapshot.`);
  mkdirSync(out, { recursive: true, mode: 0o700 });
  chmodSync(out, 0o700);
  const manifest: Manifest = { version: 1, createdAt: new Date().toISOString(), sqlite: [], dataKey: false, notes: [] };

  const sqliteStores = STORES.filter((store) => (store === "kv" ? kvBackend() : recordsBackend()) === "sqlite");
  for (const store of sqliteStores) {
    if (await backupDatabase(store, path.join(out, `${store}.db`))) {
      chmodSync(path.join(out, `${store}.db`), 0o600);
      manifest.sqlite.push(store);
    }
  }
  if (kvBackend() === "upstash") manifest.notes.push("kv is Upstash: not in this snapshot (use Upstash's backups).");

  if (recordsBackend() === "airtable") {
    const store = await records();
    mkdirSync(path.join(out, "airtable"), { mode: 0o700 });
    manifest.airtable = {};
    for (const table of TABLE_NAMES) {
      // Paged by the store (100 a request) at the shared pace, beside the app's own requests.
      const rows = await withPaceWait(10_000, () => store.list(table));
      const file = path.join(out, "airtable", `${table}.json`);
      writeFileSync(file, `${JSON.stringify({ table, exportedAt: new Date().toISOString(), records: rows }, null, 2)}\n`, { mode: 0o600 });
      manifest.airtable[table] = rows.length;
    }
  }

  const keyFile = path.join(dataDirectory(), KEY_FILE);
  if (dataDirectory() !== ":memory:" && existsSync(keyFile)) {
    if (input.includeKey) {
      copyFileSync(keyFile, path.join(out, KEY_FILE));
      chmodSync(path.join(out, KEY_FILE), 0o600);
      manifest.dataKey = true;
    } else {
      manifest.notes.push(
        `The data key file (${KEY_FILE}) is not in this snapshot: keep it apart, or pass --include-key. Without it the conversation turns cannot be read.`,
      );
    }
  }
  writeFileSync(path.join(out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/** Bring a snapshot's SQLite stores (and key file, if it has one) back into an empty DATA_DIR. */
export function restoreBackup(input: { from: string }): { dataDir: string; restored: string[]; manifest: Manifest } {
  const from = path.resolve(input.from);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(from, MANIFEST), "utf8")) as Manifest;
  } catch {
    throw new BackupError(`${from} is not a snapshot (no readable ${MANIFEST}).`);
  }
  const dir = dataDirectory();
  if (dir === ":memory:") throw new BackupError("DATA_DIR is :memory:; set it to the directory to restore into.");
  if (existsSync(dir) && readdirSync(dir).length) {
    throw new BackupError(
      `${dir} is not empty: restore only into an empty data directory (move the current one aside first). Nothing was changed.`,
    );
  }
  // Check every file before copying any: a damaged snapshot restores nothing.
  for (const store of manifest.sqlite) {
    const file = path.join(from, `${store}.db`);
    if (!existsSync(file)) throw new BackupError(`${file} is missing from the snapshot. Nothing was changed.`);
    const check = checkDatabaseFile(file);
    if (check !== "ok") throw new BackupError(`${file} failed SQLite's integrity check (${check}). Nothing was changed.`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const restored: string[] = [];
  for (const store of manifest.sqlite) {
    copyFileSync(path.join(from, `${store}.db`), path.join(dir, `${store}.db`));
    restored.push(store);
  }
  if (manifest.dataKey) {
    copyFileSync(path.join(from, KEY_FILE), path.join(dir, KEY_FILE));
    chmodSync(path.join(dir, KEY_FILE), 0o600);
    restored.push("data key");
  }
  return { dataDir: dir, restored, manifest };
}

// Opens the embedded SQLite files used when no vendor is configured. better-sqlite3 is imported
// lazily so endpoints that never touch a store do not load the native module.
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { z } from "zod";
import { defineConfig } from "./config/env.js";
import { log } from "./log.js";

export type Database = BetterSqlite3.Database;

const config = defineConfig("sqlite", z.object({ DATA_DIR: z.string().optional(), VERCEL: z.string().optional() }));
const require = createRequire(import.meta.url);

/** The directory of the embedded files (DATA_DIR, resolved), or ":memory:". */
export function dataDirectory(): string {
  const env = config.load();
  // A Vercel function may only write to /tmp (and loses it on the next cold start: see /api/health).
  const dir = env.DATA_DIR ?? (env.VERCEL ? "/tmp/healing-companion" : ".data");
  return dir === ":memory:" ? dir : path.resolve(dir);
}

/** The file a store uses, under DATA_DIR (":memory:" keeps everything in memory). */
export function databasePath(name: string): string {
  const dir = dataDirectory();
  return dir === ":memory:" ? ":memory:" : path.join(dir, `${name}.db`);
}

export function openDatabase(name: string): Database {
  const file = databasePath(name);
  // Said loudly at every cold start: on Vercel this store is lost between invocations.
  if (config.load().VERCEL)
    log.warn("storage.not_persistent", { store: name, file, fix: "configure Airtable and Upstash (see /api/health)" });
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const Driver = require("better-sqlite3") as typeof BetterSqlite3;
  const db = new Driver(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.pragma("synchronous = NORMAL");
  // Deleted rows are overwritten with zeros, not left in free pages (erasure, retention).
  db.pragma("secure_delete = ON");
  return db;
}

/** Copy the write-ahead log into the file and truncate it: erased text must not linger in the WAL. */
export function checkpoint(db: Database): void {
  db.pragma("wal_checkpoint(TRUNCATE)");
}

/**
 * An online backup of a store's file to `destination` (SQLite's backup API: a consistent copy
 * while other connections keep writing). False when the store has no file (":memory:" or never used).
 */
export async function backupDatabase(name: string, destination: string): Promise<boolean> {
  const file = databasePath(name);
  if (file === ":memory:" || !existsSync(file)) return false;
  const db = openDatabase(name);
  try {
    // All remaining pages in one step: a step copies from one read snapshot, whereas many small
    // steps start over whenever another connection writes, and a busy store would never finish.
    await db.backup(destination, { progress: () => 0x7fffffff });
    return true;
  } finally {
    db.close();
  }
}

/** SQLite's own integrity check of a database file ("ok" when sound). */
export function checkDatabaseFile(file: string): string {
  const Driver = require("better-sqlite3") as typeof BetterSqlite3;
  const db = new Driver(file, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma("integrity_check", { simple: true }));
  } finally {
    db.close();
  }
}

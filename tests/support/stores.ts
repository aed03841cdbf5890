// Read the embedded SQLite files directly, as an operator (or an auditor) would.
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import path from "node:path";
import { testDataDir } from "./env.js";

/** Every key and value in the kv file, expired or not. */
export function kvRows(): { key: string; value: string; expires_at: number | null }[] {
  const file = path.join(testDataDir(), "kv.db");
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT key, value, expires_at FROM kv").all() as { key: string; value: string; expires_at: number | null }[];
  } finally {
    db.close();
  }
}

/** Every record in the records file, as JSON text. */
export function recordRows(): { tbl: string; fields: string }[] {
  const file = path.join(testDataDir(), "records.db");
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT tbl, fields FROM records").all() as { tbl: string; fields: string }[];
  } finally {
    db.close();
  }
}

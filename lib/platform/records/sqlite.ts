// The embedded records store: one SQLite file with Airtable's semantics (record ids, empty cells
// left out, upsert by merge fields, linked records as id arrays). A read-only view per table
// makes the file easy to inspect with any SQLite browser. Every field the code looks up or merges
// on (LOOKUP_FIELDS) has an expression index, and lookups reuse their prepared statements, so a
// write costs the same at 100,000 rows as in an empty file.
import { randomBytes } from "node:crypto";
import { checkpoint, openDatabase, type Database } from "../sqlite.js";
import type { Statement } from "better-sqlite3";
import { dateField, LOOKUP_FIELDS, SCHEMA, TABLE_NAMES, fieldProblem, isEmptyCell, type Fields, type TableName } from "./schema.js";
import { RecordsError, type RecordsStore, type StoredRecord, type UpsertResult } from "./types.js";

interface Row {
  id: string;
  created_time: string;
  fields: string;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function newRecordId(): string {
  return "rec" + [...randomBytes(14)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join("");
}

export function createSqliteRecords(db: Database = openDatabase("records")): RecordsStore {
  migrate(db);
  const insert = db.prepare("INSERT INTO records (tbl, id, created_time, fields) VALUES (?, ?, ?, ?)");
  const byId = db.prepare<[string, string], Row>("SELECT id, created_time, fields FROM records WHERE tbl = ? AND id = ?");
  const all = db.prepare<[string], Row>("SELECT id, created_time, fields FROM records WHERE tbl = ? ORDER BY seq");
  const save = db.prepare("UPDATE records SET fields = ? WHERE tbl = ? AND id = ?");
  const remove = db.prepare("DELETE FROM records WHERE tbl = ? AND id = ?");

  const toRecord = (row: Row): StoredRecord => ({ id: row.id, createdTime: row.created_time, fields: JSON.parse(row.fields) as Fields });

  function check(table: TableName, fields: Fields): void {
    const problem = fieldProblem(table, fields);
    if (problem) throw new RecordsError(problem.type as "UNKNOWN_FIELD_NAME", problem.message, { status: 422 });
  }

  function createOne(table: TableName, fields: Fields): StoredRecord {
    const record = { id: newRecordId(), createdTime: new Date().toISOString(), fields: compact(fields) };
    insert.run(table, record.id, record.createdTime, JSON.stringify(record.fields));
    return record;
  }

  function updateOne(table: TableName, id: string, fields: Fields): StoredRecord {
    const row = byId.get(table, id);
    if (!row) throw new RecordsError("NOT_FOUND", `Record ${id} does not exist in ${table}`, { status: 404 });
    const merged = compact({ ...(JSON.parse(row.fields) as Fields), ...fields });
    save.run(JSON.stringify(merged), table, id);
    return { id, createdTime: row.created_time, fields: merged };
  }

  // One prepared statement per query shape (table-independent: the table is a parameter).
  const statements = new Map<string, Statement<unknown[], Row>>();
  function findSync(table: TableName, where: Fields, limit?: number): StoredRecord[] {
    const { sql, params } = findQuery(table, where, limit);
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare<unknown[], Row>(sql)));
    return statement.all(...params).map(toRecord);
  }

  return {
    backend: "sqlite",
    async create(table, records) {
      records.forEach((fields) => check(table, fields));
      return db.transaction(() => records.map((fields) => createOne(table, fields)))();
    },
    async upsert(table, { mergeOn, records }) {
      if (mergeOn.length < 1 || mergeOn.length > 3) throw new RecordsError("INVALID_REQUEST", "fieldsToMergeOn takes 1–3 fields");
      records.forEach((fields) => {
        check(table, fields);
        if (mergeOn.some((name) => isEmptyCell(fields[name]))) {
          throw new RecordsError("INVALID_REQUEST", "Every upserted record needs a value for each merge field", { status: 422 });
        }
      });
      return db.transaction((): UpsertResult => {
        const result: UpsertResult = { records: [], createdRecords: [], updatedRecords: [] };
        for (const fields of records) {
          const matches = findSync(table, Object.fromEntries(mergeOn.map((name) => [name, fields[name]])), 2);
          if (matches.length > 1)
            throw new RecordsError("DUPLICATE_MATCH", "More than one record matches the merge fields", { status: 422 });
          const record = matches[0] ? updateOne(table, matches[0].id, fields) : createOne(table, fields);
          result.records.push(record);
          (matches[0] ? result.updatedRecords : result.createdRecords).push(record.id);
        }
        return result;
      })();
    },
    async update(table, records) {
      records.forEach(({ fields }) => check(table, fields));
      return db.transaction(() => records.map(({ id, fields }) => updateOne(table, id, fields)))();
    },
    async find(table, where, options = {}) {
      return findSync(table, where, options.limit);
    },
    async olderThan(table, field, before, options = {}) {
      const sql = `SELECT id, created_time, fields FROM records WHERE tbl = ? AND julianday(${fieldPath(dateField(table, field))}) < julianday(?) ORDER BY seq${
        options.limit ? ` LIMIT ${Math.floor(options.limit)}` : ""
      }`;
      return db.prepare<unknown[], Row>(sql).all(table, new Date(before).toISOString()).map(toRecord);
    },
    async get(table, id) {
      const row = byId.get(table, id);
      return row ? toRecord(row) : null;
    },
    async list(table) {
      return all.all(table).map(toRecord);
    },
    async delete(table, ids) {
      return db.transaction(() => ids.filter((id) => remove.run(table, id).changes > 0))();
    },
    async compact() {
      checkpoint(db);
    },
  };
}

function compact(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => !isEmptyCell(value)));
}

/** The query `find` runs (exported so a test can read its plan). */
export function findQuery(table: TableName, where: Fields, limit?: number): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [table];
  for (const [name, value] of Object.entries(where)) {
    if (!SCHEMA[table].fields[name]) throw new RecordsError("UNKNOWN_FIELD_NAME", `Unknown field name: "${name}"`, { status: 422 });
    if (isEmptyCell(value)) clauses.push(`${fieldPath(name)} IS NULL`);
    else {
      clauses.push(`${fieldPath(name)} = ?`);
      params.push(typeof value === "boolean" ? 1 : value);
    }
  }
  const sql = `SELECT id, created_time, fields FROM records WHERE tbl = ? ${clauses.map((c) => `AND ${c}`).join(" ")} ORDER BY seq${
    limit ? ` LIMIT ${Math.floor(limit)}` : ""
  }`;
  return { sql, params };
}

/** The one spelling of a field's value in SQL: lookups and their indexes must match it exactly. */
function fieldPath(name: string): string {
  return `json_extract(fields, '$."${name.replace(/"/g, '""')}"')`;
}

function migrate(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    created_time TEXT NOT NULL,
    fields TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS records_by_table ON records (tbl, seq);`);
  // One index per looked-up field name, shared by the tables that have it ("Healing Name").
  const indexed = [...new Set(TABLE_NAMES.flatMap((table) => LOOKUP_FIELDS[table]))];
  for (const name of indexed) {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "_");
    db.exec(`CREATE INDEX IF NOT EXISTS records_by_${slug} ON records (tbl, ${fieldPath(name)}, seq)`);
  }
  for (const table of TABLE_NAMES) {
    const columns = Object.keys(SCHEMA[table].fields)
      .map((name) => `json_extract(fields, '$."${name}"') AS "${name}"`)
      .join(", ");
    db.exec(
      `DROP VIEW IF EXISTS "${table}"; CREATE VIEW "${table}" AS SELECT id, created_time, ${columns} FROM records WHERE tbl = '${table}';`,
    );
  }
}

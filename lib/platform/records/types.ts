// The records contract: an Airtable-shaped store of tables, records and fields. Both
// implementations (Airtable, SQLite) pass the same contract tests.
import type { StepVerdict } from "../outbox/errors.js";
import type { Fields, TableName } from "./schema.js";

export interface StoredRecord {
  id: string;
  createdTime: string;
  fields: Fields;
}

export interface UpsertResult {
  records: StoredRecord[];
  createdRecords: string[];
  updatedRecords: string[];
}

export interface RecordsStore {
  readonly backend: "sqlite" | "airtable";
  /** Create records; any number, written in batches the backend allows. */
  create(table: TableName, records: Fields[]): Promise<StoredRecord[]>;
  /** Create or update by the values of 1–3 merge fields; more than one match is an error. */
  upsert(table: TableName, input: { mergeOn: string[]; records: Fields[] }): Promise<UpsertResult>;
  /** Merge the given fields into existing records (null clears a field). */
  update(table: TableName, records: { id: string; fields: Fields }[]): Promise<StoredRecord[]>;
  /** Records whose fields equal every value in `where` (strings, numbers, booleans). */
  find(table: TableName, where: Fields, options?: { limit?: number }): Promise<StoredRecord[]>;
  get(table: TableName, id: string): Promise<StoredRecord | null>;
  /** Records whose dateTime `field` is set and earlier than `before` (ISO 8601): retention. */
  olderThan(table: TableName, field: string, before: string, options?: { limit?: number }): Promise<StoredRecord[]>;
  /** Every record of a table, oldest first (paged under the hood). */
  list(table: TableName): Promise<StoredRecord[]>;
  delete(table: TableName, ids: string[]): Promise<string[]>;
  /** Embedded store only: fold the write-ahead log into the file and truncate it, so deleted text is gone from disk. */
  compact?(): Promise<void>;
}

export type RecordsErrorCode =
  | "UNKNOWN_FIELD_NAME"
  | "INVALID_VALUE_FOR_COLUMN"
  | "INVALID_REQUEST"
  | "DUPLICATE_MATCH"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  /** No request slot of the shared pace was free within the caller's wait: nothing was sent. */
  | "BUSY"
  | "TIMEOUT"
  | "UNAVAILABLE"
  | "AUTH";

/** Transient errors (rate limit, timeout, outage) are worth retrying later; the rest are not. */
export class RecordsError extends Error {
  override readonly name = "RecordsError";
  constructor(
    readonly code: RecordsErrorCode,
    message: string,
    readonly options: { retryAfterMs?: number; status?: number } = {},
  ) {
    super(message);
  }

  get transient(): boolean {
    return this.code === "RATE_LIMITED" || this.code === "BUSY" || this.code === "TIMEOUT" || this.code === "UNAVAILABLE";
  }

  /** The store's mapping onto the outbox: waiting for the pace is no attempt; an outage is retried; a refusal is permanent. */
  get stepVerdict(): StepVerdict {
    if (this.code === "BUSY" || this.code === "RATE_LIMITED") return { kind: "pacing", retryAfterMs: this.options.retryAfterMs ?? 1000 };
    return this.transient ? { kind: "retry", retryAfterMs: this.options.retryAfterMs } : { kind: "permanent" };
  }
}

/** Waiting for the vendor's limit (our pace, or its lockout) says nothing about the write itself. */
export function isPacing(error: unknown): error is RecordsError {
  return error instanceof RecordsError && (error.code === "BUSY" || error.code === "RATE_LIMITED");
}

export function isTransient(error: unknown): boolean {
  return error instanceof RecordsError ? error.transient : true;
}

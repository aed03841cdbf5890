// Records on Airtable, through airtable.js used only as an HTTP client (auth, timeout, error
// parsing). The policy is ours: airtable.js's endless 429 retry is off, writes are chunked to 10,
// every request takes a slot of the base's shared pace (pace.ts: 5/s across every instance), and
// after a 429 the whole base is locked out for 30 s — calls fail fast instead of hanging a
// request, and the caller falls back to the outbox.
import Airtable from "airtable";
import { paceWait, type Pace } from "../../platform/records/pace.js";
import { dateField, SCHEMA, type Fields, type TableName } from "../../platform/records/schema.js";
import { RecordsError, type RecordsStore, type StoredRecord, type UpsertResult } from "../../platform/records/types.js";

export const AIRTABLE_BATCH = 10;
export const AIRTABLE_LOCKOUT_MS = 30_000;
// 5 requests/s per base, with a little headroom for clock jitter.
const MIN_INTERVAL_MS = 210;
// Until this instance has had an answer, its requests may leave this much after their slot
// starts (loading the client, opening the connection): the pace keeps the next ones further off.
const COLD_SEND_MS = 250;

export interface AirtableOptions {
  apiKey: string;
  baseId: string;
  endpointUrl: string;
  timeoutMs: number;
  /** The shared pace; without one, this instance paces itself alone. */
  pace?: Pace;
  /** How long a call waits for its slot unless the caller set its own (withPaceWait). */
  paceWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface RawRecord {
  id: string;
  createdTime: string;
  fields: Fields;
}

type Request = { method: string; path: string; qs?: Record<string, unknown>; body?: unknown };

/** Quote a value for an Airtable formula: backslash first, then the quote, never raw input. */
export function formulaString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}

export function buildFormula(table: TableName, where: Fields): string {
  const conditions = Object.entries(where).map(([name, value]) => {
    if (!SCHEMA[table].fields[name]) throw new RecordsError("UNKNOWN_FIELD_NAME", `Unknown field name: "${name}"`, { status: 422 });
    const field = `{${name}}`;
    if (value === true) return `${field} = TRUE()`;
    if (value === false || value === null || value === undefined || value === "") return `NOT(${field})`;
    if (typeof value === "number" && Number.isFinite(value)) return `${field} = ${value}`;
    if (typeof value === "string") return `${field} = ${formulaString(value)}`;
    throw new RecordsError("INVALID_REQUEST", `Cannot filter on a ${typeof value} value`);
  });
  return conditions.length === 1 ? conditions[0]! : `AND(${conditions.join(", ")})`;
}

export function createAirtableRecords(options: AirtableOptions): RecordsStore {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const base = new Airtable({
    apiKey: options.apiKey,
    endpointUrl: options.endpointUrl,
    requestTimeout: options.timeoutMs,
    noRetryIfRateLimited: true,
  }).base(options.baseId);
  let lockedUntil = 0;
  let nextSlot = 0;
  let warm = false;

  async function call<T>(request: Request, attempt = 0): Promise<T> {
    if (now() < lockedUntil) {
      throw new RecordsError("RATE_LIMITED", "Airtable rate limit lockout in effect", { retryAfterMs: lockedUntil - now() });
    }
    const slot = options.pace
      ? await options.pace.acquire(paceWait(options.paceWaitMs ?? 250), { lateMs: warm ? 0 : COLD_SEND_MS })
      : undefined;
    if (now() < lockedUntil) {
      throw new RecordsError("RATE_LIMITED", "Airtable rate limit lockout in effect", { retryAfterMs: lockedUntil - now() });
    }
    if (!options.pace) {
      // No shared pace: at least this instance's own bursts never earn the 30 s penalty.
      const wait = nextSlot - performance.now();
      nextSlot = Math.max(performance.now(), nextSlot) + MIN_INTERVAL_MS;
      if (wait > 0) await sleep(wait);
    }
    try {
      const response = await base.makeRequest(request);
      slot?.done();
      warm = true;
      return response.body as T;
    } catch (error) {
      const mapped = mapError(error);
      if (mapped.options.status) {
        slot?.done();
        warm = true;
      }
      if (mapped.code === "RATE_LIMITED") {
        lockedUntil = now() + AIRTABLE_LOCKOUT_MS;
        await options.pace?.lockOut(AIRTABLE_LOCKOUT_MS);
      }
      // One quick retry for a blip (5xx, reset connection); timeouts and 429s go to the caller.
      if (mapped.code === "UNAVAILABLE" && attempt === 0) {
        await sleep(250);
        return call<T>(request, attempt + 1);
      }
      throw mapped;
    }
  }

  const tablePath = (table: TableName) => `/${encodeURIComponent(table)}`;
  const chunks = <T>(items: T[]) =>
    Array.from({ length: Math.ceil(items.length / AIRTABLE_BATCH) }, (_, i) => items.slice(i * AIRTABLE_BATCH, (i + 1) * AIRTABLE_BATCH));

  async function pages(table: TableName, request: (offset?: string) => Request, limit?: number): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    let offset: string | undefined;
    do {
      const page = await call<{ records: RawRecord[]; offset?: string }>(request(offset));
      out.push(...page.records.map(toRecord));
      offset = page.offset;
    } while (offset && (!limit || out.length < limit));
    return limit ? out.slice(0, limit) : out;
  }

  return {
    backend: "airtable",
    async create(table, records) {
      const out: StoredRecord[] = [];
      for (const chunk of chunks(records)) {
        const body = { records: chunk.map((fields) => ({ fields })), typecast: false };
        out.push(...(await call<{ records: RawRecord[] }>({ method: "POST", path: tablePath(table), body })).records.map(toRecord));
      }
      return out;
    },
    async upsert(table, { mergeOn, records }) {
      const result: UpsertResult = { records: [], createdRecords: [], updatedRecords: [] };
      for (const chunk of chunks(records)) {
        const body = { performUpsert: { fieldsToMergeOn: mergeOn }, records: chunk.map((fields) => ({ fields })), typecast: false };
        const page = await call<{ records: RawRecord[]; createdRecords?: string[]; updatedRecords?: string[] }>({
          method: "PATCH",
          path: tablePath(table),
          body,
        });
        result.records.push(...page.records.map(toRecord));
        result.createdRecords.push(...(page.createdRecords ?? []));
        result.updatedRecords.push(...(page.updatedRecords ?? []));
      }
      return result;
    },
    async update(table, records) {
      const out: StoredRecord[] = [];
      for (const chunk of chunks(records)) {
        const body = { records: chunk, typecast: false };
        out.push(...(await call<{ records: RawRecord[] }>({ method: "PATCH", path: tablePath(table), body })).records.map(toRecord));
      }
      return out;
    },
    async find(table, where, options = {}) {
      const filterByFormula = buildFormula(table, where);
      const pageSize = Math.min(100, options.limit ?? 100);
      // POST listRecords keeps long formulas clear of the 16,000-character URL cap.
      return pages(
        table,
        (offset) => ({ method: "POST", path: `${tablePath(table)}/listRecords`, body: { filterByFormula, pageSize, offset } }),
        options.limit,
      );
    },
    async olderThan(table, field, before, options = {}) {
      const filterByFormula = `IS_BEFORE({${dateField(table, field)}}, DATETIME_PARSE(${formulaString(new Date(before).toISOString())}))`;
      const pageSize = Math.min(100, options.limit ?? 100);
      return pages(
        table,
        (offset) => ({ method: "POST", path: `${tablePath(table)}/listRecords`, body: { filterByFormula, pageSize, offset } }),
        options.limit,
      );
    },
    async get(table, id) {
      try {
        return toRecord(await call<RawRecord>({ method: "GET", path: `${tablePath(table)}/${encodeURIComponent(id)}` }));
      } catch (error) {
        if (error instanceof RecordsError && error.code === "NOT_FOUND") return null;
        throw error;
      }
    },
    async list(table) {
      return pages(table, (offset) => ({ method: "GET", path: tablePath(table), qs: { pageSize: 100, ...(offset ? { offset } : {}) } }));
    },
    async delete(table, ids) {
      const out: string[] = [];
      for (const chunk of chunks(ids)) {
        const page = await call<{ records: { id: string; deleted: boolean }[] }>({
          method: "DELETE",
          path: tablePath(table),
          qs: { records: chunk },
        });
        out.push(...page.records.filter((r) => r.deleted).map((r) => r.id));
      }
      return out;
    },
  };
}

function toRecord(raw: RawRecord): StoredRecord {
  return { id: raw.id, createdTime: raw.createdTime, fields: raw.fields ?? {} };
}

/** airtable.js errors → our codes. Messages are Airtable's own, which never echo cell values. */
export function mapError(error: unknown): RecordsError {
  const { error: type, message, statusCode } = (error ?? {}) as { error?: string; message?: string; statusCode?: number | null };
  const text = message ?? "Airtable request failed";
  if (statusCode === 429 || type === "TOO_MANY_REQUESTS") {
    return new RecordsError("RATE_LIMITED", "Airtable answered 429", { retryAfterMs: AIRTABLE_LOCKOUT_MS, status: 429 });
  }
  if (type === "CONNECTION_ERROR" || statusCode === null || statusCode === undefined) {
    return /abort/i.test(text)
      ? new RecordsError("TIMEOUT", "Airtable did not answer in time")
      : new RecordsError("UNAVAILABLE", "Could not reach Airtable");
  }
  if (statusCode >= 500) return new RecordsError("UNAVAILABLE", `Airtable answered ${statusCode}`, { status: statusCode });
  if (statusCode === 401 || statusCode === 403)
    return new RecordsError("AUTH", `Airtable refused the token (${statusCode})`, { status: statusCode });
  if (statusCode === 404 || type === "ROW_DOES_NOT_EXIST") return new RecordsError("NOT_FOUND", text, { status: statusCode });
  if (type === "UNKNOWN_FIELD_NAME" || /unknown field name/i.test(text)) {
    return new RecordsError("UNKNOWN_FIELD_NAME", text, { status: statusCode });
  }
  if (type === "INVALID_VALUE_FOR_COLUMN" || type === "INVALID_MULTIPLE_CHOICE_OPTIONS") {
    return new RecordsError("INVALID_VALUE_FOR_COLUMN", text, { status: statusCode });
  }
  return new RecordsError("INVALID_REQUEST", text, { status: statusCode });
}

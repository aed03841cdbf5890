// An in-memory Airtable base behind msw, following the documented contract: 5 requests/s per
// base (a 429 then locks the base for 30 s), at most 10 records per write, 422 for unknown
// fields, pages of ≤ 100 with `offset`, upsert via performUpsert, and the Meta API for schema.
import { http, HttpResponse } from "msw";
import { fieldOptions } from "../../lib/vendors/airtable/setup.js";
import { SCHEMA, TABLE_NAMES } from "../../lib/platform/records/schema.js";

interface MetaField {
  id: string;
  name: string;
  type: string;
  options?: Record<string, unknown>;
}
interface MetaTable {
  id: string;
  name: string;
  primaryFieldId: string;
  fields: MetaField[];
}
interface Row {
  id: string;
  createdTime: string;
  fields: Record<string, unknown>;
}

export interface AirtableEmulatorOptions {
  baseId?: string;
  token?: string;
  endpoint?: string;
  now?: () => number;
  /** The clock of the 5 requests/s window: real time by default, so a faked Date only jumps the lockout. */
  wall?: () => number;
}

export const TEST_BASE_ID = "appTESTBASE000001";
export const TEST_TOKEN = "patTEST.secret";

export function airtableEmulator(options: AirtableEmulatorOptions = {}) {
  const baseId = options.baseId ?? TEST_BASE_ID;
  const token = options.token ?? TEST_TOKEN;
  const endpoint = options.endpoint ?? "https://api.airtable.com";
  const now = options.now ?? (() => Date.now());
  const wall = options.wall ?? (() => performance.now());
  const tables: MetaTable[] = [];
  const rows = new Map<string, Row[]>();
  const log: { method: string; table: string; records: number; status: number; at: number }[] = [];
  let recent: number[] = [];
  let lockedUntil = 0;
  /** Lockouts the clients earned (a sixth request in a second), and requests sent into a lockout. */
  const stats = { lockouts: 0, refusedWhileLocked: 0 };
  let lostResponses = 0;
  let seq = 0;
  let outage: { status: number; remaining: number } | null = null;
  let delayMs = 0;

  const newId = (prefix: string) => `${prefix}${String(++seq).padStart(14, "0")}`;
  const fail = (status: number, type: string, message: string) => HttpResponse.json({ error: { type, message } }, { status });
  const table = (nameOrId: string) => tables.find((t) => t.name === nameOrId || t.id === nameOrId);

  function addTable(name: string, fields: Omit<MetaField, "id">[], description?: string): MetaTable {
    const meta: MetaTable = { id: newId("tbl"), name, primaryFieldId: "", fields: [] };
    void description;
    tables.push(meta);
    rows.set(meta.id, []);
    for (const field of fields) addField(meta, field);
    meta.primaryFieldId = meta.fields[0]!.id;
    return meta;
  }

  function addField(meta: MetaTable, field: Omit<MetaField, "id">): MetaField {
    const created = { ...field, id: newId("fld") };
    meta.fields.push(created);
    // Airtable adds the inverse link field to the linked table.
    const linked = field.type === "multipleRecordLinks" ? table(String(field.options?.linkedTableId)) : undefined;
    if (linked && linked.id !== meta.id) {
      linked.fields.push({
        id: newId("fld"),
        name: uniqueName(linked, meta.name),
        type: "multipleRecordLinks",
        options: { linkedTableId: meta.id },
      });
    }
    return created;
  }

  function uniqueName(meta: MetaTable, name: string): string {
    let candidate = name;
    for (let i = 2; meta.fields.some((f) => f.name === candidate); i++) candidate = `${name} ${i}`;
    return candidate;
  }

  /** Tables and fields exactly as the setup script would create them. */
  function seedFromSchema(): void {
    for (const name of TABLE_NAMES) {
      const spec = SCHEMA[name];
      const fields = Object.entries(spec.fields)
        .filter(([, field]) => field.type !== "multipleRecordLinks")
        .map(([fieldName, field]) => ({ name: fieldName, type: field.type, options: fieldOptions(field) }));
      addTable(name, fields);
    }
    for (const name of TABLE_NAMES) {
      for (const [fieldName, field] of Object.entries(SCHEMA[name].fields)) {
        if (field.type === "multipleRecordLinks") {
          addField(table(name)!, { name: fieldName, type: field.type, options: { linkedTableId: table(field.linkedTable)!.id } });
        }
      }
    }
  }

  function checkFields(meta: MetaTable, fields: Record<string, unknown>): Response | null {
    for (const [name, value] of Object.entries(fields)) {
      const field = meta.fields.find((f) => f.name === name);
      if (!field) return fail(422, "UNKNOWN_FIELD_NAME", `Unknown field name: "${name}"`);
      if (value === null) continue;
      const choices = (field.options?.choices as { name: string }[] | undefined)?.map((c) => c.name);
      const bad =
        (["singleLineText", "multilineText", "email"].includes(field.type) && typeof value !== "string") ||
        (field.type === "checkbox" && typeof value !== "boolean") ||
        (field.type === "multipleRecordLinks" && !(Array.isArray(value) && value.every((v) => /^rec\w+$/.test(String(v))))) ||
        (field.type === "singleSelect" && !choices?.includes(String(value))) ||
        (field.type === "multipleSelects" && !(Array.isArray(value) && value.every((v) => choices?.includes(String(v)))));
      if (bad) {
        return field.type.endsWith("Select") || field.type === "multipleSelects"
          ? fail(422, "INVALID_MULTIPLE_CHOICE_OPTIONS", `Insufficient permissions to create new select option for field "${name}"`)
          : fail(422, "INVALID_VALUE_FOR_COLUMN", `Field "${name}" cannot accept the provided value`);
      }
    }
    return null;
  }

  const empty = (v: unknown) => v === null || v === undefined || v === "" || v === false || (Array.isArray(v) && !v.length);
  const compact = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => !empty(v)));

  function page(meta: MetaTable, params: { filterByFormula?: string; pageSize?: number; offset?: string; maxRecords?: number }) {
    let all = rows.get(meta.id)!;
    if (params.filterByFormula) {
      const predicate = parseFormula(params.filterByFormula, meta);
      if (typeof predicate === "string") return fail(422, "INVALID_FILTER_BY_FORMULA", predicate);
      all = all.filter((row) => predicate(row.fields));
    }
    if (params.maxRecords) all = all.slice(0, params.maxRecords);
    const size = Math.min(100, params.pageSize ?? 100);
    const start = params.offset ? Number(params.offset.replace(/^itr/, "")) : 0;
    if (!Number.isInteger(start)) return fail(422, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE", "Invalid offset");
    const records = all.slice(start, start + size);
    return HttpResponse.json({ records, ...(start + size < all.length ? { offset: `itr${start + size}` } : {}) });
  }

  async function gate(request: Request): Promise<Response | null> {
    if (request.headers.get("authorization") !== `Bearer ${token}`) {
      return fail(401, "AUTHENTICATION_REQUIRED", "Authentication required");
    }
    if (now() < lockedUntil) {
      stats.refusedWhileLocked++;
      return fail(429, "TOO_MANY_REQUESTS", "Rate limit exceeded. Please try again later");
    }
    // The 5 requests/s window runs on the real clock (tests fake Date to jump the 30 s lockout).
    const t = wall();
    recent = recent.filter((at) => at > t - 1000);
    if (recent.length >= 5) {
      stats.lockouts++;
      lockedUntil = now() + 30_000;
      return fail(429, "TOO_MANY_REQUESTS", "Rate limit exceeded. Please try again later");
    }
    recent.push(t);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (outage && outage.remaining !== 0) {
      outage.remaining--;
      return fail(outage.status, "SERVER_ERROR", "Server error");
    }
    return null;
  }

  const data = `${endpoint}/v0/${baseId}`;
  const record = (response: Response, method: string, tableName: string, records: number) => {
    // A write that was applied but whose answer is lost on the way back (a 502 from a proxy).
    if (lostResponses > 0 && response.status === 200 && (method === "POST" || method === "PATCH")) {
      lostResponses--;
      response = fail(502, "SERVER_ERROR", "Bad gateway");
    }
    log.push({ method, table: tableName, records, status: response.status, at: wall() });
    return response;
  };

  const handlers = [
    http.get(`${endpoint}/v0/meta/bases/${baseId}/tables`, async ({ request }) => {
      const denied = await gate(request);
      return denied ?? HttpResponse.json({ tables });
    }),
    http.post(`${endpoint}/v0/meta/bases/${baseId}/tables`, async ({ request }) => {
      const denied = await gate(request);
      if (denied) return denied;
      const body = (await request.json()) as { name: string; description?: string; fields: Omit<MetaField, "id">[] };
      if (!body.fields?.length) return fail(422, "INVALID_REQUEST_UNKNOWN", "A table needs at least one field");
      if (table(body.name)) return fail(422, "DUPLICATE_TABLE_NAME", "Table name already exists");
      const problem = body.fields.map(metaFieldProblem).find(Boolean);
      if (problem) return fail(422, "INVALID_FIELD_TYPE_OPTIONS", problem);
      return HttpResponse.json(addTable(body.name, body.fields, body.description));
    }),
    http.post(`${endpoint}/v0/meta/bases/${baseId}/tables/:tableId/fields`, async ({ request, params }) => {
      const denied = await gate(request);
      if (denied) return denied;
      const meta = table(String(params.tableId));
      if (!meta) return fail(404, "TABLE_NOT_FOUND", "Could not find table");
      const body = (await request.json()) as Omit<MetaField, "id">;
      if (meta.fields.some((f) => f.name === body.name)) return fail(422, "DUPLICATE_OR_EMPTY_FIELD_NAME", "Field name already exists");
      const problem = metaFieldProblem(body);
      if (problem) return fail(422, "INVALID_FIELD_TYPE_OPTIONS", problem);
      if (body.type === "multipleRecordLinks" && !table(String(body.options?.linkedTableId))) {
        return fail(422, "INVALID_FIELD_TYPE_OPTIONS", "linkedTableId does not exist");
      }
      return HttpResponse.json(addField(meta, body));
    }),
    http.get(`${data}/:table`, async ({ request, params }) => {
      const name = String(params.table);
      const denied = await gate(request);
      if (denied) return record(denied, "GET", name, 0);
      const meta = table(name);
      if (!meta) return record(fail(404, "TABLE_NOT_FOUND", "Could not find table"), "GET", name, 0);
      const url = new URL(request.url);
      const response = page(meta, {
        filterByFormula: url.searchParams.get("filterByFormula") ?? undefined,
        pageSize: Number(url.searchParams.get("pageSize")) || undefined,
        offset: url.searchParams.get("offset") ?? undefined,
        maxRecords: Number(url.searchParams.get("maxRecords")) || undefined,
      });
      return record(response, "GET", name, 0);
    }),
    http.post(`${data}/:table/listRecords`, async ({ request, params }) => {
      const name = String(params.table);
      const denied = await gate(request);
      if (denied) return record(denied, "LIST", name, 0);
      const meta = table(name);
      if (!meta) return record(fail(404, "TABLE_NOT_FOUND", "Could not find table"), "LIST", name, 0);
      return record(page(meta, (await request.json()) as Record<string, never>), "LIST", name, 0);
    }),
    http.get(`${data}/:table/:id`, async ({ request, params }) => {
      const name = String(params.table);
      const denied = await gate(request);
      if (denied) return record(denied, "GET", name, 0);
      const meta = table(name);
      const row = meta && rows.get(meta.id)!.find((r) => r.id === params.id);
      return record(row ? HttpResponse.json(row) : fail(404, "NOT_FOUND", "Could not find record"), "GET", name, 0);
    }),
    http.post(`${data}/:table`, async ({ request, params }) => {
      const name = String(params.table);
      const denied = await gate(request);
      const body = (await request.json()) as { records?: { fields: Record<string, unknown> }[] };
      const count = body.records?.length ?? 0;
      if (denied) return record(denied, "POST", name, count);
      const meta = table(name);
      if (!meta) return record(fail(404, "TABLE_NOT_FOUND", "Could not find table"), "POST", name, count);
      if (!body.records?.length || count > 10) {
        return record(fail(422, "INVALID_RECORDS", "You must provide an array of up to 10 record objects"), "POST", name, count);
      }
      const problem = body.records.map((r) => checkFields(meta, r.fields)).find(Boolean);
      if (problem) return record(problem, "POST", name, count);
      const created = body.records.map((r) => ({
        id: newId("rec"),
        createdTime: new Date(now()).toISOString(),
        fields: compact(r.fields),
      }));
      rows.get(meta.id)!.push(...created);
      return record(HttpResponse.json({ records: created }), "POST", name, count);
    }),
    http.patch(`${data}/:table`, async ({ request, params }) => {
      const name = String(params.table);
      const denied = await gate(request);
      const body = (await request.json()) as {
        records?: { id?: string; fields: Record<string, unknown> }[];
        performUpsert?: { fieldsToMergeOn: string[] };
      };
      const count = body.records?.length ?? 0;
      if (denied) return record(denied, "PATCH", name, count);
      const meta = table(name);
      if (!meta) return record(fail(404, "TABLE_NOT_FOUND", "Could not find table"), "PATCH", name, count);
      if (!body.records?.length || count > 10) {
        return record(fail(422, "INVALID_RECORDS", "You must provide an array of up to 10 record objects"), "PATCH", name, count);
      }
      const problem = body.records.map((r) => checkFields(meta, r.fields)).find(Boolean);
      if (problem) return record(problem, "PATCH", name, count);
      const all = rows.get(meta.id)!;
      const merge = body.performUpsert?.fieldsToMergeOn;
      if (merge && (merge.length < 1 || merge.length > 3 || merge.some((f) => !meta.fields.some((m) => m.name === f)))) {
        return record(fail(422, "INVALID_MERGE_FIELD", "Invalid fieldsToMergeOn"), "PATCH", name, count);
      }
      // Validate every record before writing any: Airtable applies a request all or nothing.
      const plan: { target: Row | null; fields: Record<string, unknown> }[] = [];
      for (const r of body.records) {
        if (merge) {
          const matches = all.filter((row) => merge.every((f) => row.fields[f] === r.fields[f]));
          if (matches.length > 1) return record(fail(422, "INVALID_REQUEST_UNKNOWN", "More than one record matches"), "PATCH", name, count);
          plan.push({ target: matches[0] ?? null, fields: r.fields });
        } else {
          const target = all.find((row) => row.id === r.id);
          if (!target) return record(fail(404, "NOT_FOUND", `Record ${r.id} not found`), "PATCH", name, count);
          plan.push({ target, fields: r.fields });
        }
      }
      const created: string[] = [];
      const updated: string[] = [];
      const out = plan.map(({ target, fields }) => {
        if (target) {
          target.fields = compact({ ...target.fields, ...fields });
          updated.push(target.id);
          return target;
        }
        const row = { id: newId("rec"), createdTime: new Date(now()).toISOString(), fields: compact(fields) };
        all.push(row);
        created.push(row.id);
        return row;
      });
      const payload = merge ? { records: out, createdRecords: created, updatedRecords: updated } : { records: out };
      return record(HttpResponse.json(payload), "PATCH", name, count);
    }),
    http.delete(`${data}/:table`, async ({ request, params }) => {
      const name = String(params.table);
      const denied = await gate(request);
      const ids = new URL(request.url).searchParams.getAll("records[]");
      if (denied) return record(denied, "DELETE", name, ids.length);
      const meta = table(name);
      if (!meta) return record(fail(404, "TABLE_NOT_FOUND", "Could not find table"), "DELETE", name, ids.length);
      if (ids.length > 10) return record(fail(422, "INVALID_RECORDS", "Up to 10 records per request"), "DELETE", name, ids.length);
      const all = rows.get(meta.id)!;
      const deleted = ids.filter((id) => all.some((r) => r.id === id));
      rows.set(
        meta.id,
        all.filter((r) => !deleted.includes(r.id)),
      );
      return record(HttpResponse.json({ records: deleted.map((id) => ({ id, deleted: true })) }), "DELETE", name, ids.length);
    }),
  ];

  return {
    handlers,
    seedFromSchema,
    tables,
    /** Requests seen by the data API, oldest first. */
    requests: log,
    rows: (name: string) => rows.get(table(name)?.id ?? "") ?? [],
    /** Answer the next `count` data requests with `status` (-1 for every request until cleared). */
    outage(status: number, count = -1) {
      outage = { status, remaining: count };
    },
    clearOutage() {
      outage = null;
    },
    /** Apply the next `count` writes but answer them 502, as if the answer was lost. */
    loseResponses(count: number) {
      lostResponses = count;
    },
    /** Lock the base as if another client had sent a request too many. */
    lockOut(ms = 30_000) {
      lockedUntil = now() + ms;
    },
    stats,
    slow(ms: number) {
      delayMs = ms;
    },
    get lockedUntil() {
      return lockedUntil;
    },
  };
}

/** The Meta API refuses fields whose required options are missing. */
function metaFieldProblem(field: Omit<MetaField, "id">): string | null {
  const o = field.options ?? {};
  switch (field.type) {
    case "singleLineText":
    case "multilineText":
    case "email":
    case "number":
      return field.type === "number" && !("precision" in o) ? "number needs options.precision" : null;
    case "checkbox":
      return o.icon && o.color ? null : "checkbox needs options.icon and options.color";
    case "dateTime":
      return o.dateFormat && o.timeFormat && o.timeZone ? null : "dateTime needs dateFormat, timeFormat and timeZone";
    case "singleSelect":
    case "multipleSelects":
      return Array.isArray(o.choices) ? null : `${field.type} needs options.choices`;
    case "multipleRecordLinks":
      return o.linkedTableId ? null : "multipleRecordLinks needs options.linkedTableId";
    default:
      return `Unsupported field type ${field.type}`;
  }
}

type Predicate = (fields: Record<string, unknown>) => boolean;

/** Parses the formula forms the store emits; anything else (say, an injected quote) is a 422. */
export function parseFormula(formula: string, meta: { fields: { name: string }[] }): Predicate | string {
  let i = 0;
  const skip = () => {
    while (formula[i] === " ") i++;
  };
  const expect = (token: string) => {
    skip();
    if (!formula.startsWith(token, i)) throw new Error(`Expected ${token} at ${i}`);
    i += token.length;
  };
  const field = (): string => {
    expect("{");
    const end = formula.indexOf("}", i);
    if (end < 0) throw new Error("Unclosed field");
    const name = formula.slice(i, end);
    i = end + 1;
    if (!meta.fields.some((f) => f.name === name)) throw new Error(`Unknown field names: ${name}`);
    return name;
  };
  const value = (): unknown => {
    skip();
    if (formula.startsWith("TRUE()", i)) return ((i += 6), true);
    if (formula.startsWith("FALSE()", i)) return ((i += 7), false);
    if (formula[i] === "'") {
      let out = "";
      for (i++; i < formula.length; i++) {
        const c = formula[i]!;
        if (c === "\\") {
          const next = formula[++i];
          out += next === "n" ? "\n" : next;
        } else if (c === "'") {
          i++;
          return out;
        } else out += c;
      }
      throw new Error("Unclosed string");
    }
    const match = /^-?\d+(\.\d+)?/.exec(formula.slice(i));
    if (!match) throw new Error(`Bad value at ${i}`);
    i += match[0].length;
    return Number(match[0]);
  };
  const expr = (): Predicate => {
    skip();
    if (formula.startsWith("AND(", i)) {
      i += 4;
      const parts = [expr()];
      for (skip(); formula[i] === ","; skip()) {
        i++;
        parts.push(expr());
      }
      expect(")");
      return (f) => parts.every((p) => p(f));
    }
    if (formula.startsWith("IS_BEFORE(", i)) {
      i += 10;
      const name = field();
      expect(",");
      expect("DATETIME_PARSE(");
      const v = value();
      expect(")");
      expect(")");
      if (typeof v !== "string" || Number.isNaN(Date.parse(v))) throw new Error("DATETIME_PARSE needs a date string");
      // A blank date is never before anything, as in Airtable.
      return (f) => typeof f[name] === "string" && Date.parse(f[name]) < Date.parse(v);
    }
    if (formula.startsWith("NOT(", i)) {
      i += 4;
      const name = field();
      expect(")");
      return (f) => !f[name];
    }
    const name = field();
    expect("=");
    const v = value();
    return (f) => (v === true ? f[name] === true : (f[name] ?? "") === v);
  };
  try {
    const predicate = expr();
    skip();
    if (i !== formula.length) throw new Error(`Unexpected input at ${i}`);
    return predicate;
  } catch (error) {
    return `The formula for filtering records is invalid: ${(error as Error).message}`;
  }
}

// Brings an Airtable base up to the schema in ./schema.ts through the Meta API: creates missing
// tables and fields, reports mismatches, and never deletes or alters anything that exists.
// Safe to run twice. Needs a token with schema.bases:read and schema.bases:write.
import { SCHEMA, TABLE_NAMES, type FieldSpec, type TableName } from "../../platform/records/schema.js";

interface MetaField {
  id: string;
  name: string;
  type: string;
  options?: { choices?: { name: string }[]; linkedTableId?: string };
}
interface MetaTable {
  id: string;
  name: string;
  fields: MetaField[];
}

export interface SetupOptions {
  endpointUrl: string;
  apiKey: string;
  baseId: string;
  print?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface SetupResult {
  createdTables: string[];
  createdFields: string[];
  warnings: string[];
}

/** The Meta API options each field type needs (dates in ISO/UTC so the operator sees one clock). */
export function fieldOptions(field: FieldSpec, tableIds: Partial<Record<TableName, string>> = {}): Record<string, unknown> | undefined {
  switch (field.type) {
    case "checkbox":
      return { icon: "check", color: "greenBright" };
    case "dateTime":
      return { dateFormat: { name: "iso" }, timeFormat: { name: "24hour" }, timeZone: "utc" };
    case "number":
      return { precision: 0 };
    case "singleSelect":
    case "multipleSelects":
      return { choices: field.choices.map((name) => ({ name })) };
    case "multipleRecordLinks":
      return { linkedTableId: tableIds[field.linkedTable] };
    default:
      return undefined;
  }
}

export async function setupAirtableBase(options: SetupOptions): Promise<SetupResult> {
  const print = options.print ?? console.log;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const metaUrl = `${options.endpointUrl}/v0/meta/bases/${options.baseId}/tables`;
  const result: SetupResult = { createdTables: [], createdFields: [], warnings: [] };

  async function call<T>(method: "GET" | "POST", url: string, body?: unknown, attempt = 0): Promise<T> {
    await sleep(220); // the Meta API shares the base's 5 requests/s
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status === 429 && attempt < 3) {
      print("  … Airtable rate limit: waiting 30 s");
      await sleep(30_000);
      return call<T>(method, url, body, attempt + 1);
    }
    // A body that is not JSON (a proxy's error page) still reports the status below.
    const payload = (await response.json().catch(() => ({}))) as { error?: { type?: string; message?: string } | string };
    if (!response.ok) {
      const error = typeof payload.error === "string" ? { type: payload.error } : (payload.error ?? {});
      const hint =
        response.status === 401 || response.status === 403 || response.status === 404
          ? " (check AIRTABLE_BASE_ID and that the token has schema.bases:read and schema.bases:write on this base)"
          : "";
      throw new Error(
        `Airtable ${method} ${new URL(url).pathname} → ${response.status} ${error.type ?? ""} ${error.message ?? ""}${hint}`.trim(),
      );
    }
    return payload as T;
  }

  const { tables } = await call<{ tables: MetaTable[] }>("GET", metaUrl);
  const ids: Partial<Record<TableName, string>> = Object.fromEntries(tables.map((t) => [t.name, t.id]));
  const byName = new Map(tables.map((t) => [t.name, t]));

  const specFields = (name: TableName, links: boolean) =>
    Object.entries(SCHEMA[name].fields).filter(([, f]) => (f.type === "multipleRecordLinks") === links);
  const toMeta = (fieldName: string, field: FieldSpec) => ({ name: fieldName, type: field.type, options: fieldOptions(field, ids) });

  // Pass 1: tables and plain fields. Pass 2: link fields, once every table they point at exists.
  for (const name of TABLE_NAMES) {
    const existing = byName.get(name);
    if (!existing) {
      const fields = specFields(name, false).map(([fieldName, field]) => toMeta(fieldName, field));
      const created = await call<MetaTable>("POST", metaUrl, { name, description: SCHEMA[name].description, fields });
      ids[name] = created.id;
      byName.set(name, created);
      result.createdTables.push(name);
      print(`+ table ${name} (${fields.length} fields)`);
      continue;
    }
    print(`= table ${name}`);
    await addMissing(name, existing, specFields(name, false));
  }
  for (const name of TABLE_NAMES) await addMissing(name, byName.get(name)!, specFields(name, true));

  async function addMissing(name: TableName, table: MetaTable, fields: [string, FieldSpec][]): Promise<void> {
    for (const [fieldName, field] of fields) {
      const present = table.fields.find((f) => f.name === fieldName);
      if (present) {
        checkExisting(name, present, field);
        continue;
      }
      const created = await call<MetaField>("POST", `${metaUrl}/${table.id}/fields`, toMeta(fieldName, field));
      table.fields.push(created);
      result.createdFields.push(`${name}.${fieldName}`);
      print(`  + field ${name}.${fieldName} (${field.type})`);
    }
  }

  function checkExisting(name: TableName, present: MetaField, field: FieldSpec): void {
    if (present.type !== field.type) {
      warn(`${name}.${present.name} is ${present.type}, expected ${field.type} — left as it is`);
    } else if (field.type === "singleSelect" || field.type === "multipleSelects") {
      const have = new Set(present.options?.choices?.map((c) => c.name));
      const missing = field.choices.filter((choice) => !have.has(choice));
      if (missing.length) warn(`${name}.${present.name} lacks the options ${missing.join(", ")} — add them in Airtable`);
    } else if (field.type === "multipleRecordLinks" && present.options?.linkedTableId !== ids[field.linkedTable]) {
      warn(`${name}.${present.name} links to another table than ${field.linkedTable}`);
    }
  }

  function warn(line: string): void {
    result.warnings.push(line);
    print(`  ! ${line}`);
  }

  print(
    `Done: ${result.createdTables.length} tables and ${result.createdFields.length} fields created, ${result.warnings.length} warnings.`,
  );
  return result;
}

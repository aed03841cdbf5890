// The one definition of the operator-facing tables. It drives the SQLite store, the Airtable
// store's checks, the Airtable setup script and the test emulator. Field names are the seed
// design's, so existing bases keep working.
import { characterCount } from "../validation.js";
import { SAFETY_LEVELS } from "../../safety/levels.js";
import { RecordsError } from "./types.js";

export const PLANS = ["free", "member"] as const;
export const SUBSCRIPTION_STATUSES = [
  "none",
  "trialing",
  "active",
  "past_due",
  "unpaid",
  "canceled",
  "incomplete",
  "incomplete_expired",
  "paused",
] as const;
export const CRISIS_SOURCES = ["chat", "reflection", "crisis"] as const;
export const CRISIS_STATUSES = ["New", "Acknowledged", "Followed up"] as const;
/** Which layer of the crisis screen set the level (lib/safety): offline grammar, conversation rules, learned model, or an OpenAI second opinion. */
export const CRISIS_DECIDERS = ["grammar", "conversation", "model", "judge", "moderation"] as const;
export const CRISIS_CATEGORIES = [
  "suicidal_ideation",
  "self_harm",
  "harm_to_others",
  "abuse_or_danger",
  "distress",
  "concern_for_other",
  "eating_disorder",
] as const;

export type FieldSpec =
  | { type: "singleLineText" | "multilineText" | "email"; maxLength?: number }
  | { type: "checkbox" }
  | { type: "dateTime" }
  | { type: "number" }
  | { type: "singleSelect"; choices: readonly string[] }
  | { type: "multipleSelects"; choices: readonly string[] }
  | { type: "multipleRecordLinks"; linkedTable: TableName };

export interface TableSpec {
  primary: string;
  description: string;
  fields: Record<string, FieldSpec>;
}

export type TableName = "Users" | "Reflections" | "Crisis Events" | "Intake Rejections" | "Privacy Requests";
export const PRIVACY_REQUEST_TYPES = ["export", "erasure"] as const;
export const PRIVACY_REQUEST_STATUSES = ["pending", "complete", "failed"] as const;

// Airtable caps long text at 100,000 characters.
const LONG_TEXT = 100_000;

export const SCHEMA: Record<TableName, TableSpec> = {
  Users: {
    primary: "Healing Name",
    description: "Participants, known by a pseudonymous Healing Name.",
    fields: {
      "Healing Name": { type: "singleLineText", maxLength: 80 },
      // The name folded for comparison (lib/participants/names.ts): unique per participant.
      "Name Key": { type: "singleLineText", maxLength: 240 },
      Email: { type: "email", maxLength: 320 },
      "Consent to Data Storage": { type: "checkbox" },
      "Consent Updated At": { type: "dateTime" },
      "Created At": { type: "dateTime" },
      "Healing Goals": { type: "multilineText", maxLength: LONG_TEXT },
      "Experience with Fasting": { type: "multilineText", maxLength: LONG_TEXT },
      Plan: { type: "singleSelect", choices: PLANS },
      "Subscription Status": { type: "singleSelect", choices: SUBSCRIPTION_STATUSES },
      "Stripe Customer ID": { type: "singleLineText", maxLength: 255 },
      // Every personal link carries this value; a new one (re-issue, erasure) revokes all earlier links. Never the token itself.
      "Link Version": { type: "singleLineText", maxLength: 64 },
    },
  },
  Reflections: {
    primary: "Submission ID",
    description: "Milestone reflections, linked to the participant.",
    fields: {
      "Submission ID": { type: "singleLineText", maxLength: 100 },
      User: { type: "multipleRecordLinks", linkedTable: "Users" },
      "Healing Name": { type: "singleLineText", maxLength: 80 },
      "Reflection Text": { type: "multilineText", maxLength: LONG_TEXT },
      Date: { type: "dateTime" },
      Milestone: { type: "singleLineText", maxLength: 40 },
      "Crisis Level": { type: "singleSelect", choices: SAFETY_LEVELS },
    },
  },
  "Crisis Events": {
    primary: "Event ID",
    description: "Crisis screen results to follow up. Never holds message text.",
    fields: {
      "Event ID": { type: "singleLineText", maxLength: 100 },
      User: { type: "multipleRecordLinks", linkedTable: "Users" },
      "Healing Name": { type: "singleLineText", maxLength: 80 },
      Level: { type: "singleSelect", choices: SAFETY_LEVELS },
      Categories: { type: "multipleSelects", choices: CRISIS_CATEGORIES },
      Source: { type: "singleSelect", choices: CRISIS_SOURCES },
      Country: { type: "singleLineText", maxLength: 2 },
      "Decided By": { type: "singleSelect", choices: CRISIS_DECIDERS },
      Status: { type: "singleSelect", choices: CRISIS_STATUSES },
      "Created At": { type: "dateTime" },
    },
  },
  // Not in the seed design: intake submissions that could not become a participant (no usable
  // email or Healing Name). They are answered 200 so Typeform stops retrying, and land here so
  // the operator can see and follow them up.
  "Intake Rejections": {
    primary: "Token",
    description: "Typeform submissions without a usable email or Healing Name.",
    fields: {
      Token: { type: "singleLineText", maxLength: 200 },
      "Form ID": { type: "singleLineText", maxLength: 100 },
      Reason: { type: "singleLineText", maxLength: 200 },
      "Received At": { type: "dateTime" },
    },
  },
  // The audit trail of exports and erasures (lib/privacy). Never holds personal data: who it was
  // about is not recorded, only the request, who asked, each step's state and when it finished.
  "Privacy Requests": {
    primary: "Request ID",
    description: "Exports and erasures: who asked, each step's state, completed at. No personal data.",
    fields: {
      "Request ID": { type: "singleLineText", maxLength: 100 },
      Type: { type: "singleSelect", choices: PRIVACY_REQUEST_TYPES },
      "Requested By": { type: "singleLineText", maxLength: 100 },
      "Requested At": { type: "dateTime" },
      Status: { type: "singleSelect", choices: PRIVACY_REQUEST_STATUSES },
      Steps: { type: "multilineText", maxLength: 10_000 },
      "Completed At": { type: "dateTime" },
    },
  },
};

export const TABLE_NAMES = Object.keys(SCHEMA) as TableName[];

/** Fields the code looks records up or merges on: the embedded store keeps an index on each. */
export const LOOKUP_FIELDS: Record<TableName, readonly string[]> = {
  Users: ["Healing Name", "Name Key", "Email", "Stripe Customer ID"],
  Reflections: ["Submission ID", "Healing Name"],
  "Crisis Events": ["Event ID"],
  "Intake Rejections": ["Token"],
  "Privacy Requests": ["Request ID"],
};

export type Fields = Record<string, unknown>;

/** Why a set of fields would be refused, in Airtable's error vocabulary; null when it is fine. */
export function fieldProblem(table: TableName, fields: Fields): { type: string; message: string } | null {
  const spec = SCHEMA[table];
  for (const [name, value] of Object.entries(fields)) {
    const field = spec.fields[name];
    if (!field) return { type: "UNKNOWN_FIELD_NAME", message: `Unknown field name: "${name}"` };
    if (value === null || value === undefined) continue;
    const problem = valueProblem(field, value);
    if (problem) return { type: "INVALID_VALUE_FOR_COLUMN", message: `Field "${name}" ${problem}` };
  }
  return null;
}

function valueProblem(field: FieldSpec, value: unknown): string | null {
  switch (field.type) {
    case "singleLineText":
    case "multilineText":
    case "email":
      if (typeof value !== "string") return "cannot accept a non-string value";
      if (field.maxLength && characterCount(value) > field.maxLength) return "is too long";
      return null;
    case "checkbox":
      return typeof value === "boolean" ? null : "must be a boolean";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "must be a number";
    case "dateTime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? null : "must be an ISO date";
    case "singleSelect":
      return typeof value === "string" && field.choices.includes(value) ? null : "has an unknown select option";
    case "multipleSelects":
      return Array.isArray(value) && value.every((v) => typeof v === "string" && field.choices.includes(v))
        ? null
        : "has an unknown select option";
    case "multipleRecordLinks":
      return Array.isArray(value) && value.every((v) => typeof v === "string" && /^rec\w+$/.test(v))
        ? null
        : "must be an array of record ids";
  }
}

/** Airtable leaves empty cells out of a record; both stores do the same. */
export function isEmptyCell(value: unknown): boolean {
  return value === null || value === undefined || value === "" || value === false || (Array.isArray(value) && value.length === 0);
}

/** A dateTime field of the table, or the error Airtable would give for an unknown one. */
export function dateField(table: TableName, name: string): string {
  const spec = SCHEMA[table].fields[name];
  if (!spec) throw new RecordsError("UNKNOWN_FIELD_NAME", `Unknown field name: "${name}"`, { status: 422 });
  if (spec.type !== "dateTime") throw new RecordsError("INVALID_REQUEST", `"${name}" is not a date field`);
  return name;
}

// Who an export or erasure is about, and every place their data sits: Users (by any spelling of
// the Healing Name, and by email), their Reflections and Crisis Events, their kv keys, the outbox
// steps whose payloads carry them, and the local journey log.
import { getJson, type Kv } from "../platform/kv/index.js";
import { nameKey, participantKey } from "../participants/names.js";
import { findUserByName } from "../participants/repository.js";
import { consentCacheKey } from "../participants/consent.js";
import type { RecordsStore, StoredRecord } from "../platform/records/index.js";
import { ALL, conversationIndexKey, crisisKeys, journeyParticipants, markerIndexKey } from "./keys.js";
import type { OutboxStep } from "../platform/outbox/outbox.js";

export interface Subject {
  /** The name asked about and the one on the Users record, if it differs. */
  names: string[];
  email?: string;
  userIds: string[];
}

export async function locateSubject(records: RecordsStore, input: { healingName: string; email?: string }): Promise<Subject> {
  const users: StoredRecord[] = [];
  const byName = await findUserByName(records, input.healingName);
  if (byName) users.push(byName);
  const email = (input.email ?? (byName?.fields.Email as string | undefined))?.trim().toLowerCase();
  if (email) for (const user of await records.find("Users", { Email: email })) if (!users.some((u) => u.id === user.id)) users.push(user);
  const names = [
    ...new Set([input.healingName, ...users.map((u) => u.fields["Healing Name"]).filter((n): n is string => typeof n === "string")]),
  ];
  return { names, email: email || undefined, userIds: users.map((u) => u.id) };
}

/** Rows of a table that name the participant (by Healing Name, any of their spellings on file). */
export async function rowsNaming(records: RecordsStore, table: "Reflections" | "Crisis Events", subject: Subject): Promise<StoredRecord[]> {
  const found = new Map<string, StoredRecord>();
  for (const name of subject.names) for (const row of await records.find(table, { "Healing Name": name })) found.set(row.id, row);
  return [...found.values()];
}

/** Per-participant kv keys that hold a value (cache entries and indexes themselves). */
export function plainKeys(subject: Subject): string[] {
  const pks = [...new Set(subject.names.map(participantKey))];
  return [...pks.flatMap((pk) => [consentCacheKey(pk), `user-id:${pk}`, `email:${pk}`, `plan:${pk}`]), ...crisisKeys(subject.names)];
}

export async function conversationIds(kv: Kv, subject: Subject): Promise<{ index: string; ids: string[] }[]> {
  const indexes = [...new Set(subject.names.map(conversationIndexKey))];
  return Promise.all(indexes.map(async (index) => ({ index, ids: await kv.zrangeByScore(index, ALL, 10_000) })));
}

export async function journeyMarkers(kv: Kv, subject: Subject): Promise<{ index: string; keys: string[] }[]> {
  return Promise.all(
    journeyParticipants(subject).map(async (p) => ({
      index: markerIndexKey(p),
      keys: await kv.zrangeByScore(markerIndexKey(p), ALL, 10_000),
    })),
  );
}

/** Whether a value (an outbox payload, a journey log entry) is about the participant. */
export function mentions(value: unknown, subject: Subject): boolean {
  const keys = new Set(subject.names.map(nameKey));
  const ids = new Set(subject.userIds);
  const visit = (v: unknown): boolean => {
    if (typeof v === "string")
      return keys.has(nameKey(v)) || (subject.email !== undefined && v.trim().toLowerCase() === subject.email) || ids.has(v);
    if (Array.isArray(v)) return v.some(visit);
    if (v && typeof v === "object") return Object.values(v).some(visit);
    return false;
  };
  return visit(value);
}

const OUTBOX_SETS = ["outbox:due", "outbox:failed", "outbox:done"];

/** Outbox steps (pending, failed, or finished and still kept) whose payload carries the participant. */
export async function outboxStepsAbout(kv: Kv, subject: Subject): Promise<OutboxStep[]> {
  const ids = new Set<string>();
  for (const set of OUTBOX_SETS) for (const id of await kv.zrangeByScore(set, ALL, 100_000)) ids.add(id);
  const steps: OutboxStep[] = [];
  for (const id of ids) {
    const step = await getJson<OutboxStep>(kv, `outbox:step:${id}`);
    if (step && !step.kind.startsWith("privacy.") && mentions(step.payload, subject)) steps.push(step);
  }
  return steps;
}

export const JOURNEY_LOG = "journey-log";

export async function journeyLogEntries(kv: Kv, subject: Subject): Promise<string[]> {
  return (await kv.zrangeByScore(JOURNEY_LOG, ALL, 100_000)).filter((entry) => mentions(JSON.parse(entry), subject));
}

// The participants repository: the one place that resolves a Healing Name to its Users record.
// Names match case- and accent-insensitively through their Name Key (names.ts; legacy rows without
// one are matched exactly). A record's id is cached in kv for an hour under the participant's
// hashed key (never the name), so a cohort's burst of reflections, consent changes and crisis
// events links without asking Airtable again. The intake assigns names here too: a newcomer whose
// chosen name is taken gets the first free variant ("River 2").
//
// Chat, reflections, consent, journeys, billing, crisis events, personal links and privacy all
// look participants up through these functions; the kv caches of a participant's attributes
// (email, plan, consent) stay with the feature that owns the attribute.
import { randomUUID } from "node:crypto";
import { hashKey, type Kv } from "../platform/kv/index.js";
import { RetryableStepError } from "../platform/outbox/errors.js";
import { warnAndReturn } from "../platform/log.js";
import type { RecordsStore, StoredRecord } from "../platform/records/index.js";
import { characterCount } from "../platform/validation.js";
import { recordConsent, rememberConsent, type ConsentState } from "./consent.js";
import { nameKey, participantKey } from "./names.js";

const MAX_NAME = 80;
const USER_CACHE_TTL_SECONDS = 3600;
// The log events keep the names they had when the cache lived with reflections, so log queries still match.
const CACHE_UNAVAILABLE = "reflections.user_cache_unavailable";
const CONSENT_CACHE_UNAVAILABLE = "reflections.consent_cache_unavailable";

export const userCacheKey = (name: string) => `user-id:${participantKey(name)}`;

export interface ResolvedUser {
  id: string;
  /** The name as the participant registered it. */
  name: string;
  /** What the Users record held, when it was read (not for a cached id). */
  consent?: ConsentState | null;
}

/** The Users record holding this name (any spelling); legacy rows without a Name Key are matched exactly. */
export async function findUserByName(records: RecordsStore, name: string): Promise<StoredRecord | undefined> {
  const [byKey] = await records.find("Users", { "Name Key": nameKey(name) }, { limit: 1 });
  if (byKey) return byKey;
  const [exact] = await records.find("Users", { "Healing Name": name }, { limit: 1 });
  return exact;
}

/**
 * Remember a participant's Users record id (the intake just wrote it), so their first
 * reflections link without asking Airtable: in a cohort's morning burst that is one request per
 * 10 reflections instead of two. Best effort: a kv failure is logged.
 */
export async function rememberUserId(kv: Kv, name: string, id: string): Promise<void> {
  await kv
    .set(userCacheKey(name), JSON.stringify({ id, name }), { ttlSeconds: USER_CACHE_TTL_SECONDS })
    .catch(warnAndReturn(CACHE_UNAVAILABLE, undefined));
}

/** Forget cached ids (one may be stale: the operator deleted a Users row). Best effort. */
export async function forgetUserIds(kv: Kv, names: string[]): Promise<void> {
  await Promise.all([...new Set(names)].map((name) => kv.delete(userCacheKey(name)).catch(warnAndReturn(CACHE_UNAVAILABLE, 0))));
}

function parseCached(raw: string | null | undefined, name: string): ResolvedUser | null {
  if (!raw) return null;
  // Written before the registered name was cached with the id.
  if (raw.startsWith("rec")) return { id: raw, name };
  try {
    const parsed = JSON.parse(raw) as { id?: string; name?: string };
    return parsed.id ? { id: parsed.id, name: parsed.name ?? name } : null;
  } catch {
    return null;
  }
}

/**
 * Each Healing Name's Users record id and the name as the participant registered it, creating a
 * Users record holding only the name if none exists (one upsert for every name not cached).
 */
export async function resolveUsers(names: string[], ctx: { records: RecordsStore; kv: Kv | null }): Promise<Map<string, ResolvedUser>> {
  const users = new Map<string, ResolvedUser>();
  const unique = [...new Set(names)];
  for (const name of unique) {
    const cached = parseCached(await ctx.kv?.get(userCacheKey(name)).catch(warnAndReturn(CACHE_UNAVAILABLE, null)), name);
    if (cached) users.set(name, cached);
  }
  const missing = unique.filter((name) => !users.has(name));
  if (!missing.length) return users;
  const keys = new Map<string, string>();
  for (const name of missing) if (!keys.has(nameKey(name))) keys.set(nameKey(name), name);
  const result = await ctx.records.upsert("Users", {
    mergeOn: ["Name Key"],
    records: [...keys.keys()].map((key) => ({ "Name Key": key })),
  });
  const byKey = new Map(result.records.map((record) => [String(record.fields["Name Key"]), record]));
  const created = new Set(result.createdRecords);
  const fill = result.records
    .filter((record) => created.has(record.id))
    .map((record) => ({
      id: record.id,
      fields: { "Healing Name": keys.get(String(record.fields["Name Key"]))!, "Created At": new Date().toISOString() },
    }));
  if (fill.length) await ctx.records.update("Users", fill);
  for (const name of missing) {
    const record = byKey.get(nameKey(name));
    if (!record) continue;
    const registered = created.has(record.id)
      ? keys.get(nameKey(name))!
      : typeof record.fields["Healing Name"] === "string"
        ? record.fields["Healing Name"]
        : name;
    const consent = recordConsent(record);
    users.set(name, { id: record.id, name: registered, consent });
    if (consent && ctx.kv) await rememberConsent(ctx.kv, name, consent).catch(warnAndReturn(CONSENT_CACHE_UNAVAILABLE, false));
    await ctx.kv
      ?.set(userCacheKey(name), JSON.stringify({ id: record.id, name: registered }), { ttlSeconds: USER_CACHE_TTL_SECONDS })
      .catch(warnAndReturn(CACHE_UNAVAILABLE, undefined));
  }
  return users;
}

/** One participant's Users record id: found (any spelling), or created holding only the name when `create`. */
export async function userIdOf(
  name: string,
  ctx: { records: RecordsStore; kv: Kv | null },
  options: { create: boolean },
): Promise<string | null> {
  if (options.create) return (await resolveUsers([name], ctx)).get(name)?.id ?? null;
  return (await findUserByName(ctx.records, name))?.id ?? null;
}

/** "River" → "River 2", "River 3", …: the first whose key no Users record holds (but `ownRecordId`'s own). */
export async function freeVariant(records: RecordsStore, name: string, ownRecordId?: string): Promise<string> {
  for (let n = 2; n < 1000; n++) {
    const suffix = ` ${n}`;
    const base = [...name]
      .slice(0, MAX_NAME - suffix.length)
      .join("")
      .trimEnd();
    const candidate = `${base}${suffix}`;
    if (characterCount(candidate) > MAX_NAME) continue;
    const holder = await findUserByName(records, candidate);
    if (!holder || holder.id === ownRecordId) return candidate;
  }
  throw new Error("No free Healing Name variant");
}

const NAME_CLAIM_SECONDS = 60;

/**
 * Run `work` holding the claim on a name's key (case- and accent-insensitive), so that two
 * intakes choosing one name at the same moment — side by side in one drain round, or in two
 * instances — are not both given it: the second waits for the first and then finds the name taken.
 * While another holds the claim this throws a pacing RetryableStepError: the step comes back in a
 * few seconds without spending an attempt. `work` calls `stillHeld()` just before it writes: a
 * claim that lapsed while it waited (a long Airtable lockout) is not written under. Without kv
 * (nothing shared to claim in) `work` just runs.
 */
export async function withNameClaim<T>(
  kv: Kv | null | undefined,
  name: string,
  work: (stillHeld: () => Promise<void>) => Promise<T>,
): Promise<T> {
  if (!kv) return work(async () => undefined);
  const key = `name-claim:${hashKey(nameKey(name))}`;
  const token = randomUUID();
  const held = () => kv.get(key).then((value) => value === token);
  if (!(await kv.setIfAbsent(key, token, { ttlSeconds: NAME_CLAIM_SECONDS }))) throw nameBusy();
  try {
    return await work(async () => {
      if (!(await held())) throw nameBusy();
    });
  } finally {
    // Released only if still ours: after the claim's lifetime another intake may hold it. Left
    // unreleased (kv failing), it lapses by itself within the minute.
    if (await held().catch(warnAndReturn("participants.name_claim_unreleased", false)))
      await kv.delete(key).catch(warnAndReturn("participants.name_claim_unreleased", undefined));
  }
}

const nameBusy = () => new RetryableStepError("Another intake is being given this Healing Name", { pacing: true, retryAfterMs: 3000 });

/**
 * The name an intake may give this participant: theirs if it is free or already theirs (or held
 * only by a record with no email yet, which the intake adopts), else the first free variant.
 */
export async function assignName(
  records: RecordsStore,
  input: { healingName: string; ownRecordId?: string },
): Promise<{ healingName: string; holder?: StoredRecord }> {
  const holder = await findUserByName(records, input.healingName);
  if (!holder || holder.id === input.ownRecordId) return { healingName: input.healingName };
  if (!input.ownRecordId && !holder.fields.Email) return { healingName: input.healingName, holder };
  return { healingName: await freeVariant(records, input.healingName, input.ownRecordId) };
}

/**
 * Give every Users row written before Name Keys existed its key (run once after upgrading:
 * `npm run privacy -- backfill-name-keys`). Rows whose names collide are left for the operator.
 */
export async function backfillNameKeys(records: RecordsStore): Promise<{ updated: number; collisions: string[] }> {
  const users = await records.list("Users");
  const taken = new Map<string, string>();
  for (const user of users) if (typeof user.fields["Name Key"] === "string") taken.set(user.fields["Name Key"], user.id);
  const updates: { id: string; fields: Record<string, unknown> }[] = [];
  const collisions: string[] = [];
  for (const user of users) {
    const name = user.fields["Healing Name"];
    if (typeof name !== "string" || typeof user.fields["Name Key"] === "string") continue;
    const key = nameKey(name);
    if (taken.has(key)) collisions.push(user.id);
    else {
      taken.set(key, user.id);
      updates.push({ id: user.id, fields: { "Name Key": key } });
    }
  }
  if (updates.length) await records.update("Users", updates);
  return { updated: updates.length, collisions };
}

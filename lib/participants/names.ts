// Healing Names are unique case- and accent-insensitively: "River", "river" and "Ríver" are one
// participant. Every place that meets a name — intake, chat, reflections, consent, journeys,
// billing, crisis events — resolves it through `nameKey`, stored on Users as "Name Key" (indexed
// in the embedded store, a formula lookup on Airtable). The intake gives a newcomer whose chosen
// name is taken the first free variant ("River 2") and sends it to Mailchimp as HNAME.
import { hashKey } from "../platform/kv/index.js";
import type { RecordsStore, StoredRecord } from "../platform/records/index.js";
import { characterCount } from "../platform/validation.js";

const MAX_NAME = 80;

/** The comparison form of a name: accents and case folded, spaces collapsed. */
export function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/\s+/g, " ")
    .trim()
    .normalize("NFC");
}

/** A stable stand-in for the participant in kv keys (never the name itself). */
export function participantKey(name: string): string {
  return hashKey(`name:${nameKey(name)}`);
}

/** The Users record holding this name (any spelling); legacy rows without a Name Key are matched exactly. */
export async function findUserByName(records: RecordsStore, name: string): Promise<StoredRecord | undefined> {
  const [byKey] = await records.find("Users", { "Name Key": nameKey(name) }, { limit: 1 });
  if (byKey) return byKey;
  const [exact] = await records.find("Users", { "Healing Name": name }, { limit: 1 });
  return exact;
}

/** "River" → "River 2", "River 3", …: the first whose key no Users record holds. */
export async function freeVariant(records: RecordsStore, name: string): Promise<string> {
  for (let n = 2; n < 1000; n++) {
    const suffix = ` ${n}`;
    const base = [...name].slice(0, MAX_NAME - suffix.length).join("").trimEnd();
    const candidate = `${base}${suffix}`;
    if (characterCount(candidate) <= MAX_NAME && !(await findUserByName(records, candidate))) return candidate;
  }
  throw new Error("No free Healing Name variant");
}

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
  return { healingName: await freeVariant(records, input.healingName) };
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

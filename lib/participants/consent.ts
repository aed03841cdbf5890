// Consent to data storage is monotonic in time: every change carries when the participant made it
// (the intake's submitted_at, the chat request's arrival), and the newest wins in every store —
// the kv consent cache and Users — whatever order the intake, chat and billing events arrive in.
import type { Kv } from "../platform/kv/index.js";
import { participantKey } from "./names.js";
import type { StoredRecord } from "../platform/records/index.js";

export interface ConsentState {
  consent: boolean;
  /** ISO time the participant gave or withdrew it. */
  at: string;
}

const CACHE_TTL_SECONDS = 30 * 86_400;
export const consentCacheKey = (participant: string) => `consent:${participant}`;
const keyOf = (name: string) => consentCacheKey(participantKey(name));

/** Whether a change made at `at` is newer than one made at `than` (an unknown time is oldest). */
export function isNewer(at: string, than: string | undefined | null): boolean {
  const a = Date.parse(at);
  const b = than ? Date.parse(than) : Number.NaN;
  if (Number.isNaN(b)) return true;
  if (Number.isNaN(a)) return false;
  return a > b;
}

export async function cachedConsent(kv: Kv, name: string): Promise<ConsentState | null> {
  const raw = await kv.get(keyOf(name));
  if (raw === null) return null;
  // Values written before timestamps were kept: "true"/"false", of unknown age.
  if (raw === "true" || raw === "false") return { consent: raw === "true", at: "" };
  try {
    const parsed = JSON.parse(raw) as ConsentState;
    return typeof parsed.consent === "boolean" ? parsed : null;
  } catch {
    return null;
  }
}

/** Keep `state` in the cache unless a newer one is there already. Returns whether it was kept. */
export async function rememberConsent(kv: Kv, name: string, state: ConsentState): Promise<boolean> {
  const cached = await cachedConsent(kv, name);
  if (cached && !isNewer(state.at, cached.at)) return false;
  await kv.set(keyOf(name), JSON.stringify(state), { ttlSeconds: CACHE_TTL_SECONDS });
  return true;
}

/** The consent a Users record holds, if it holds one. */
export function recordConsent(user: StoredRecord | undefined | null): ConsentState | null {
  const at = user?.fields["Consent Updated At"];
  if (!user || typeof at !== "string") return null;
  return { consent: user.fields["Consent to Data Storage"] === true, at };
}

/**
 * The Users fields a consent change may write: both, when it is newer than what the record holds;
 * none, when the record already has a newer decision (a late intake after a withdrawal in chat).
 */
export function consentFields(current: StoredRecord | undefined | null, change: ConsentState): Record<string, unknown> {
  const held = recordConsent(current);
  if (held && !isNewer(change.at, held.at)) return {};
  return { "Consent to Data Storage": change.consent, "Consent Updated At": change.at };
}

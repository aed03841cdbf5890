// Keeps Users.Consent to Data Storage in step with what the participant said in chat. A kv
// cache of the last known value (with its time) means Airtable is written only when consent
// actually changes, and an older change never overwrites a newer one (lib/participants/consent.ts).
import type { Kv } from "../platform/kv/index.js";
import { enqueue, type StepHandler } from "../platform/outbox/outbox.js";
import type { RecordsStore } from "../platform/records/index.js";
import { cachedConsent, consentFields, isNewer, rememberConsent } from "./consent.js";
import { resolveUsers } from "./repository.js";

export const CONSENT_STEP = "user.consent";

// This feature's step kinds and their payloads (the outbox's typed registry).
declare module "../platform/outbox/steps.js" {
  interface StepPayloads {
    "user.consent": ConsentPayload;
  }
}

export interface ConsentPayload {
  healingName: string;
  consent: boolean;
  at: string;
}

/** Queue a Users update when the consent differs from the last one recorded. Returns whether it queued. */
export async function syncConsent(kv: Kv, input: { healingName: string; consent: boolean; at?: string }): Promise<boolean> {
  const at = input.at ?? new Date().toISOString();
  const cached = await cachedConsent(kv, input.healingName);
  if (cached && (cached.consent === input.consent || !isNewer(at, cached.at))) return false;
  const payload: ConsentPayload = { healingName: input.healingName, consent: input.consent, at };
  await enqueue(kv, { kind: CONSENT_STEP, payload });
  await rememberConsent(kv, input.healingName, { consent: input.consent, at });
  return true;
}

export function consentStepHandler(ctx: () => Promise<{ records: RecordsStore; kv: Kv | null }>): StepHandler<ConsentPayload> {
  return {
    batchSize: 10,
    async run(payloads) {
      const { records, kv } = await ctx();
      // The latest change per participant wins within a batch, and against what Users holds.
      const latest = new Map([...payloads].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).map((p) => [p.healingName, p]));
      const users = await resolveUsers([...latest.keys()], { records, kv });
      const updates: { id: string; fields: Record<string, unknown> }[] = [];
      for (const p of latest.values()) {
        const id = users.get(p.healingName)!.id;
        const fields = consentFields(await records.get("Users", id), { consent: p.consent, at: p.at });
        if (Object.keys(fields).length) updates.push({ id, fields });
      }
      if (updates.length) await records.update("Users", updates);
    },
  };
}

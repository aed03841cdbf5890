// Keeps Users.Consent to Data Storage in step with what the participant said in chat. A kv
// cache of the last known value means Airtable is written only when consent actually changes.
import { hashKey, type Kv } from "../platform/kv/index.js";
import { enqueue, type StepHandler } from "../platform/outbox/outbox.js";
import type { RecordsStore } from "../platform/records/index.js";
import { resolveUserIds } from "../reflections/reflections.js";

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

const consentKey = (name: string) => `consent:${hashKey(name)}`;

/** Queue a Users update when the consent differs from the last one recorded. Returns whether it queued. */
export async function syncConsent(kv: Kv, input: { healingName: string; consent: boolean }): Promise<boolean> {
  const value = String(input.consent);
  if ((await kv.get(consentKey(input.healingName))) === value) return false;
  const payload: ConsentPayload = { ...input, at: new Date().toISOString() };
  await enqueue(kv, { kind: CONSENT_STEP, payload });
  await kv.set(consentKey(input.healingName), value, { ttlSeconds: 30 * 86_400 });
  return true;
}

export function consentStepHandler(ctx: () => Promise<{ records: RecordsStore; kv: Kv | null }>): StepHandler<ConsentPayload> {
  return {
    batchSize: 10,
    async run(payloads) {
      const { records, kv } = await ctx();
      // The latest change per participant wins within a batch.
      const latest = new Map(payloads.sort((a, b) => a.at.localeCompare(b.at)).map((p) => [p.healingName, p]));
      const ids = await resolveUserIds([...latest.keys()], { records, kv });
      await records.update(
        "Users",
        [...latest.values()].map((p) => ({
          id: ids.get(p.healingName)!,
          fields: { "Consent to Data Storage": p.consent, "Consent Updated At": p.at },
        })),
      );
    },
  };
}

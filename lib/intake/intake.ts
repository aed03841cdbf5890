// Typeform intake: verify the signature on the raw body, read answers by `field.ref` through one
// configurable map, and turn a submission into outbox steps — the Users upsert by Email and the
// `intake.completed` journey — or into an Intake Rejection the operator can see.
import { z } from "zod";
import { defineConfig } from "../platform/config/env.js";
import type { Kv } from "../platform/kv/index.js";
import { emitJourneyEvent, rememberEmail } from "../journeys/journeys.js";
import { enqueue, RetryableStepError, type StepHandler, type StepHandlers } from "../platform/outbox/outbox.js";
import type { RecordsStore, StoredRecord } from "../platform/records/index.js";
import { healingNameSchema } from "../platform/validation.js";
import { warnAndReturn } from "../platform/log.js";
import { nameKey } from "../participants/names.js";
import { assignName, findUserByName, rememberUserId, withNameClaim } from "../participants/repository.js";
import { consentFields, recordConsent, rememberConsent } from "../participants/consent.js";

const FieldMap = z.strictObject({
  healingName: z.string().default("healing_name"),
  email: z.string().default("email"),
  consent: z.string().default("consent"),
  goals: z.string().default("healing_goals"),
  fasting: z.string().default("fasting_experience"),
});
export type FieldMap = z.infer<typeof FieldMap>;

export const typeformConfig = defineConfig(
  "typeform",
  z.object({
    TYPEFORM_WEBHOOK_SECRET: z.string().min(8).optional(),
    // JSON such as {"healingName":"name_ref","email":"email_ref"}; unnamed keys keep their defaults.
    TYPEFORM_FIELD_MAP: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        try {
          return FieldMap.parse(raw ? JSON.parse(raw) : {});
        } catch {
          ctx.addIssue({ code: "custom", message: "must be a JSON object of healingName/email/consent/goals/fasting → field ref" });
          return z.NEVER;
        }
      }),
    VERCEL: z.string().optional(),
  }),
);

/** `Typeform-Signature: sha256=<base64 HMAC-SHA256(secret, raw body)>`, compared in constant time. */
const Answer = z.looseObject({
  type: z.string(),
  field: z.looseObject({ id: z.string().optional(), ref: z.string().optional(), type: z.string().optional() }),
  text: z.string().optional(),
  email: z.string().optional(),
  boolean: z.boolean().optional(),
  number: z.number().optional(),
  date: z.string().optional(),
  url: z.string().optional(),
  phone_number: z.string().optional(),
  choice: z.looseObject({ label: z.string().optional(), other: z.string().optional() }).optional(),
  choices: z.looseObject({ labels: z.array(z.string()).optional(), other: z.string().optional() }).optional(),
});

export const TypeformPayload = z.looseObject({
  event_id: z.string().optional(),
  event_type: z.string(),
  form_response: z
    .looseObject({
      form_id: z.string().optional(),
      token: z.string().min(1),
      submitted_at: z.string().optional(),
      hidden: z.record(z.string(), z.unknown()).optional(),
      answers: z.array(Answer).optional(),
    })
    .optional(),
});
export type TypeformPayload = z.infer<typeof TypeformPayload>;

type AnswerValue = string | number | boolean | string[] | undefined;

/** The value of an answer, read from the key its type names. */
export function answerValue(answer: z.infer<typeof Answer>): AnswerValue {
  switch (answer.type) {
    case "choice":
      return answer.choice?.label ?? answer.choice?.other;
    case "choices":
      return [...(answer.choices?.labels ?? []), ...(answer.choices?.other ? [answer.choices.other] : [])];
    case "boolean":
      return answer.boolean;
    case "email":
      return answer.email;
    case "number":
      return answer.number;
    default: {
      const value = (answer as Record<string, unknown>)[answer.type];
      return typeof value === "string" ? value : undefined;
    }
  }
}

const YES = /^(yes|y|true|i agree|agree|i consent|ja|oui|si|sí|sim)$/i;

function asText(value: AnswerValue): string | undefined {
  if (Array.isArray(value)) return value.length ? value.join(", ") : undefined;
  if (value === undefined || typeof value === "boolean") return undefined;
  const text = String(value).trim();
  return text || undefined;
}

function asBoolean(value: AnswerValue): boolean | undefined {
  if (typeof value === "boolean") return value;
  const text = asText(value);
  return text === undefined ? undefined : YES.test(text);
}

export interface Participant {
  healingName: string;
  email: string;
  consent: boolean;
  goals?: string;
  fasting?: string;
}

/** Map a submission to a participant, or the reason it cannot become one. */
export function readParticipant(
  response: NonNullable<TypeformPayload["form_response"]>,
  map: FieldMap,
): Participant | { rejected: string } {
  const byRef = new Map<string, AnswerValue>();
  for (const [ref, value] of Object.entries(response.hidden ?? {})) {
    if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") byRef.set(ref, value);
  }
  for (const answer of response.answers ?? []) if (answer.field.ref) byRef.set(answer.field.ref, answerValue(answer));

  const email = z.email().safeParse(asText(byRef.get(map.email))?.toLowerCase());
  const name = healingNameSchema.safeParse(asText(byRef.get(map.healingName)) ?? "");
  if (!email.success && !name.success) return { rejected: "no usable email or Healing Name" };
  if (!email.success) return { rejected: "no usable email" };
  if (!name.success) return { rejected: "no usable Healing Name" };
  return {
    email: email.data,
    healingName: name.data,
    consent: asBoolean(byRef.get(map.consent)) ?? false,
    goals: asText(byRef.get(map.goals)),
    fasting: asText(byRef.get(map.fasting)),
  };
}

export const INTAKE_USER_STEP = "intake.user";
export const INTAKE_REJECTED_STEP = "intake.rejected";

// This feature's step kinds and their payloads (the outbox's typed registry).
declare module "../platform/outbox/steps.js" {
  interface StepPayloads {
    "intake.user": IntakeUserPayload;
    "intake.rejected": IntakeRejectedPayload;
  }
}

export interface IntakeUserPayload extends Participant {
  token: string;
  submittedAt: string;
}

export interface IntakeRejectedPayload {
  token: string;
  formId?: string;
  reason: string;
  receivedAt: string;
}

export async function enqueueIntake(kv: Kv, payload: IntakeUserPayload): Promise<void> {
  await enqueue(kv, { kind: INTAKE_USER_STEP, id: `intake-user:${payload.token}`, payload });
}

export async function enqueueRejection(kv: Kv, payload: IntakeRejectedPayload): Promise<void> {
  await enqueue(kv, { kind: INTAKE_REJECTED_STEP, id: `intake-rejected:${payload.token}`, payload });
}

/**
 * Upsert Users by Email. A Users record that only holds this Healing Name (created by an earlier
 * reflection or chat) is adopted rather than duplicated.
 */
export async function upsertParticipant(records: RecordsStore, p: IntakeUserPayload, kv?: Kv | null): Promise<StoredRecord> {
  // Names are unique (case- and accent-insensitively): someone else's gets a free variant. The
  // chosen name, and a variant given instead, are claimed while this intake writes it.
  return withNameClaim(kv, p.healingName, async (chosenStillHeld) => {
    const [byEmail] = await records.find("Users", { Email: p.email }, { limit: 1 });
    const assigned = await assignName(records, { healingName: p.healingName, ownRecordId: byEmail?.id });
    const write = () => writeParticipant(records, p, assigned.healingName, byEmail ?? assigned.holder);
    if (assigned.healingName === p.healingName) {
      await chosenStillHeld();
      return write();
    }
    return withNameClaim(kv, assigned.healingName, async (variantStillHeld) => {
      // Someone who chose this variant themselves may have written it since it was found free.
      const holder = await findUserByName(records, assigned.healingName);
      if (holder && holder.id !== byEmail?.id)
        throw new RetryableStepError("The free variant was just taken", { pacing: true, retryAfterMs: 1000 });
      await variantStillHeld();
      return write();
    });
  });
}

async function writeParticipant(
  records: RecordsStore,
  p: IntakeUserPayload,
  healingName: string,
  target?: StoredRecord,
): Promise<StoredRecord> {
  const fields = {
    "Healing Name": healingName,
    "Name Key": nameKey(healingName),
    Email: p.email,
    // A late intake never overrides a newer consent decision (say, a withdrawal in chat).
    ...consentFields(target, { consent: p.consent, at: p.submittedAt }),
    "Healing Goals": p.goals,
    "Experience with Fasting": p.fasting,
  };
  if (target) return (await records.update("Users", [{ id: target.id, fields }]))[0]!;
  return (await records.create("Users", [{ ...fields, "Created At": new Date().toISOString() }]))[0]!;
}

export function intakeStepHandlers(
  ctx: () => Promise<{ records: RecordsStore; kv?: Kv | null }>,
): Pick<StepHandlers, "intake.user" | "intake.rejected"> {
  const user: StepHandler<IntakeUserPayload> = {
    batchSize: 1,
    async run([payload]) {
      if (!payload) return;
      const { records, kv } = await ctx();
      const user = await upsertParticipant(records, payload, kv);
      const consent = recordConsent(user);
      const healingName = String(user.fields["Healing Name"]);
      if (kv) {
        await Promise.all([rememberUserId(kv, healingName, user.id), rememberEmail(kv, healingName, payload.email)]);
        if (consent) await rememberConsent(kv, healingName, consent).catch(warnAndReturn("intake.consent_cache_unavailable", false));
        // After the name is assigned, so Mailchimp's HNAME tells the participant the name they have.
        await emitJourneyEvent(kv, { event: "intake.completed", key: "intake", email: payload.email, healingName });
      }
    },
  };
  const rejected: StepHandler<IntakeRejectedPayload> = {
    batchSize: 10,
    async run(payloads) {
      await (
        await ctx()
      ).records.upsert("Intake Rejections", {
        mergeOn: ["Token"],
        records: payloads.map((p) => ({ Token: p.token, "Form ID": p.formId, Reason: p.reason, "Received At": p.receivedAt })),
      });
    },
  };
  return { [INTAKE_USER_STEP]: user, [INTAKE_REJECTED_STEP]: rejected };
}

// Email journeys: one declarative table maps each event to Mailchimp actions — a member upsert
// with merge fields, tags to add or remove, and an optional Customer Journeys trigger. Each event
// is applied at most once per (participant, event key), and each action is an outbox step of its
// own, so a Mailchimp outage delays it and a success is never repeated (no second welcome).
// Without Mailchimp configured, the actions go to a local journey log (`npm run journeys`).
import { readFileSync } from "node:fs";
import { z } from "zod";
import { defineConfig } from "../platform/config/env.js";
import { hashKey, type Kv } from "../platform/kv/index.js";
import { describeError, log, warnAndReturn } from "../platform/log.js";
import { mailchimpBackend, triggerJourney, updateTags, upsertMember } from "../vendors/mailchimp/mailchimp.js";
import { enqueue, type StepHandler, type StepHandlers, type StepResult } from "../platform/outbox/outbox.js";
import type { RecordsStore } from "../platform/records/index.js";
import { ApiError } from "../platform/http/errors.js";
import { withChatLink } from "../participants/links.js";
import { nameKey, participantKey } from "../participants/names.js";
import { findUserByName } from "../participants/repository.js";

export const JOURNEY_EVENTS = [
  "intake.completed",
  "subscription.active",
  "subscription.payment_failed",
  "subscription.canceled",
  "reflection.milestone",
  "participant.link_reissued",
] as const;
export type JourneyEvent = (typeof JOURNEY_EVENTS)[number];

const Actions = z.strictObject({
  /** Mailchimp merge field → participant attribute. */
  mergeFields: z.record(z.string().regex(/^[A-Z0-9_]{1,10}$/), z.enum(["healingName", "plan", "milestone", "chatLink"])).default({}),
  /** Tag names; `{milestone}` is replaced by the milestone as a slug ("Day 7" → "day-7"). */
  addTags: z.array(z.string().min(1)).default([]),
  removeTags: z.array(z.string().min(1)).default([]),
  trigger: z.strictObject({ journeyId: z.union([z.string(), z.number()]), stepId: z.union([z.string(), z.number()]) }).optional(),
});
export type JourneyActions = z.infer<typeof Actions>;

export const DEFAULT_JOURNEYS: Record<JourneyEvent, JourneyActions> = {
  // CHATLINK: the participant's personal link to the companion, minted when the step is sent.
  "intake.completed": { mergeFields: { HNAME: "healingName", CHATLINK: "chatLink" }, addTags: ["intake-completed"], removeTags: [] },
  "subscription.active": {
    mergeFields: { HNAME: "healingName", PLAN: "plan" },
    addTags: ["member"],
    removeTags: ["payment-failed", "canceled"],
  },
  "subscription.payment_failed": { mergeFields: { HNAME: "healingName" }, addTags: ["payment-failed"], removeTags: [] },
  "subscription.canceled": { mergeFields: { HNAME: "healingName", PLAN: "plan" }, addTags: ["canceled"], removeTags: ["member"] },
  "reflection.milestone": { mergeFields: { HNAME: "healingName" }, addTags: ["reflection-{milestone}"], removeTags: [] },
  // `npm run participant:link` re-issued the link: Mailchimp's CHATLINK gets the new one.
  "participant.link_reissued": { mergeFields: { CHATLINK: "chatLink" }, addTags: [], removeTags: [] },
};

const Overrides = z.partialRecord(z.enum(JOURNEY_EVENTS), Actions);

const journeysConfig = defineConfig(
  "journeys",
  z.object({ JOURNEYS_CONFIG: z.string().optional(), JOURNEYS_CONFIG_FILE: z.string().optional() }).transform((env, ctx) => {
    const source = env.JOURNEYS_CONFIG ?? (env.JOURNEYS_CONFIG_FILE ? readFileSync(env.JOURNEYS_CONFIG_FILE, "utf8") : "{}");
    const variable = env.JOURNEYS_CONFIG ? "JOURNEYS_CONFIG" : "JOURNEYS_CONFIG_FILE";
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch {
      ctx.addIssue({ code: "custom", path: [variable], message: "is not valid JSON" });
      return z.NEVER;
    }
    const parsed = Overrides.safeParse(json);
    if (!parsed.success) {
      ctx.addIssue({
        code: "custom",
        path: [variable],
        message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      });
      return z.NEVER;
    }
    return { ...DEFAULT_JOURNEYS, ...parsed.data };
  }),
);

export function journeyTable(): Record<JourneyEvent, JourneyActions> {
  return journeysConfig.load();
}

export const slug = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

export interface JourneyStepPayload {
  event: JourneyEvent;
  key: string;
  healingName: string;
  email?: string;
  mergeFields: Record<string, string>;
  /** Merge fields that get the participant's personal link when the step is sent (never stored in the outbox). */
  linkFields?: string[];
  addTags: string[];
  removeTags: string[];
  trigger?: { journeyId: string | number; stepId: string | number };
}

export const MEMBER_STEP = "mailchimp.member";
export const TAGS_STEP = "mailchimp.tags";
export const TRIGGER_STEP = "mailchimp.trigger";

// This feature's step kinds and their payloads (the outbox's typed registry).
declare module "../platform/outbox/steps.js" {
  interface StepPayloads {
    "mailchimp.member": JourneyStepPayload;
    "mailchimp.tags": JourneyStepPayload;
    "mailchimp.trigger": JourneyStepPayload;
  }
}

/**
 * Queue the actions of an event for a participant, once per (participant, event key). Returns
 * false when this event was already applied. The participant is their email when known, else
 * their Healing Name (the email is then looked up when the step runs).
 */
export async function emitJourneyEvent(
  kv: Kv,
  input: { event: JourneyEvent; key: string; healingName: string; email?: string; plan?: string; milestone?: string },
): Promise<boolean> {
  const participant = hashKey(input.email ? `email:${input.email.trim().toLowerCase()}` : `name:${nameKey(input.healingName)}`);
  const marker = `journey-applied:${participant}:${input.event}:${input.key}`;
  if (!(await kv.setIfAbsent(marker, new Date().toISOString()))) return false;
  // Listed under the participant, so an erasure finds it (lib/privacy).
  await kv.zadd(`participant:markers:${participant}`, marker, Date.now());
  try {
    const actions = journeyTable()[input.event];
    const attributes: Record<string, string | undefined> = { healingName: input.healingName, plan: input.plan, milestone: input.milestone };
    const render = (tag: string) => tag.replace("{milestone}", slug(input.milestone ?? ""));
    const payload: JourneyStepPayload = {
      event: input.event,
      key: input.key,
      healingName: input.healingName,
      email: input.email,
      mergeFields: Object.fromEntries(
        Object.entries(actions.mergeFields)
          .map(([field, attribute]) => [field, attributes[attribute]])
          .filter((entry): entry is [string, string] => Boolean(entry[1])),
      ),
      linkFields: Object.entries(actions.mergeFields)
        .filter(([, attribute]) => attribute === "chatLink")
        .map(([field]) => field),
      addTags: actions.addTags.map(render),
      removeTags: actions.removeTags.map(render),
      trigger: actions.trigger,
    };
    const base = `journey:${participant}:${input.event}:${slug(input.key)}`;
    const member = await enqueue(kv, { kind: MEMBER_STEP, id: `${base}:member`, payload });
    const after = [member.id];
    if (payload.addTags.length || payload.removeTags.length)
      after.push((await enqueue(kv, { kind: TAGS_STEP, id: `${base}:tags`, payload, after })).id);
    if (payload.trigger) await enqueue(kv, { kind: TRIGGER_STEP, id: `${base}:trigger`, payload, after });
    return true;
  } catch (error) {
    // The marker must go, or the event's retry is taken for a duplicate until the marker expires.
    await kv.delete(marker).catch(warnAndReturn("journeys.marker_not_released", 0, { event: input.event }));
    throw error;
  }
}

/**
 * reflection.milestone, once per participant and milestone. Queued before the reflection is
 * written: if kv cannot take it, the request answers 503 and nothing is saved, so the client's
 * retry (same submissionId) queues it then — the journey is never silently lost. Queuing twice is
 * harmless: each participant's milestone is applied at most once.
 */
export async function emitMilestone(store: () => Promise<Kv>, input: { healingName: string; milestone: string }): Promise<void> {
  try {
    await emitJourneyEvent(await store(), { event: "reflection.milestone", key: slug(input.milestone), ...input });
  } catch (error) {
    log.error("journey.milestone_not_queued", { milestone: slug(input.milestone), ...describeError(error) });
    throw new ApiError(
      "service_unavailable",
      "Your reflection was not saved: our storage is unreachable right now. Please send it again in a minute (with the same submissionId, it is still stored once).",
      { "retry-after": "60" },
      error,
    );
  }
}

const JOURNEY_LOG = "journey-log";
export const emailKey = (name: string) => `email:${participantKey(name)}`;

/**
 * Remember a participant's email by Healing Name (the intake just stored it), so a journey step
 * finds it without a Users lookup: a cohort's milestone burst then costs Airtable nothing for
 * its emails. Kept as long as a step waits for an email.
 */
export async function rememberEmail(kv: Kv, name: string, email: string): Promise<void> {
  await kv
    .set(emailKey(name), email, { ttlSeconds: EMAIL_WAIT_MS / 1000 })
    .catch(warnAndReturn("journeys.email_cache_unavailable", undefined));
}
/** How long a journey step waits for the intake to give the participant's email. */
const EMAIL_WAIT_MS = 7 * 86_400_000;

/** What would have been sent, for local runs without Mailchimp. */
export async function journeyLog(kv: Kv, limit = 200): Promise<Record<string, unknown>[]> {
  return (await kv.zrangeByScore(JOURNEY_LOG, Number.MAX_SAFE_INTEGER, limit)).map((entry) => JSON.parse(entry) as Record<string, unknown>);
}

export function journeyStepHandlers(
  ctx: () => Promise<{ records: RecordsStore; kv: Kv }>,
): Pick<StepHandlers, "mailchimp.member" | "mailchimp.tags" | "mailchimp.trigger"> {
  async function emailOf(payload: JourneyStepPayload, records: RecordsStore, kv: Kv): Promise<string | StepResult> {
    if (payload.email) return payload.email;
    const cached = await kv.get(emailKey(payload.healingName)).catch(warnAndReturn("journeys.email_cache_unavailable", null));
    if (cached) return cached;
    const user = await findUserByName(records, payload.healingName);
    const email = user?.fields.Email;
    if (typeof email === "string" && email) await rememberEmail(kv, payload.healingName, email);
    if (typeof email !== "string" || !email) {
      // Usually the intake has not arrived yet: wait for it (bounded), then send.
      return {
        notReady: "No email on file yet for this Healing Name",
        giveUpAfterMs: EMAIL_WAIT_MS,
        outcome: "No email on file for this Healing Name after 7 days: nothing sent",
      };
    }
    return email;
  }

  const step = (
    action: "member" | "tags" | "trigger",
    send: (email: string, p: JourneyStepPayload) => Promise<unknown>,
  ): StepHandler<JourneyStepPayload> => ({
    batchSize: 1,
    async run([payload]) {
      if (!payload) return;
      const { records, kv } = await ctx();
      const email = await emailOf(payload, records, kv);
      if (typeof email !== "string") return email;
      if (mailchimpBackend() === "journey-log") {
        const { event, key, healingName, addTags, removeTags, trigger } = payload;
        const mergeFields = await withChatLink(payload, { records, kv }, { logOnly: true });
        const detail = action === "member" ? { mergeFields } : action === "tags" ? { addTags, removeTags } : { trigger };
        await kv.zadd(
          JOURNEY_LOG,
          JSON.stringify({ at: new Date().toISOString(), action, event, key, healingName, email, ...detail }),
          Date.now(),
        );
        return;
      }
      await send(email, payload);
    },
  });

  return {
    [MEMBER_STEP]: step("member", async (email, p) => upsertMember({ email, mergeFields: await withChatLink(p, await ctx()) })),
    [TAGS_STEP]: step("tags", (email, p) => updateTags({ email, add: p.addTags, remove: p.removeTags })),
    [TRIGGER_STEP]: step("trigger", (email, p) => triggerJourney({ email, journeyId: p.trigger!.journeyId, stepId: p.trigger!.stepId })),
  };
}

// Reflections: validate, link to the participant, and upsert on Submission ID so a retried
// submission never duplicates. If Airtable is rate limited, failing or slow past the budget, the
// reflection is kept in the kv outbox (202) and the drain writes it later with the same upsert.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ConfigError, defineConfig, intFromEnv } from "../platform/config/env.js";
import { ApiError } from "../platform/http/errors.js";
import { describeError, log, warnAndReturn } from "../platform/log.js";
import type { Kv } from "../platform/kv/index.js";
import { enqueue, type StepHandler } from "../platform/outbox/outbox.js";
import { within } from "../platform/timeout.js";
import { countrySchema, healingNameSchema, label, trimmedText } from "../platform/validation.js";
import { fieldProblem, RecordsError, type Fields, type RecordsStore } from "../platform/records/index.js";
import type { SafetyLevel } from "../safety/levels.js";
import { cachedConsent } from "../participants/consent.js";
import { forgetUserIds, resolveUsers } from "../participants/repository.js";

export const ReflectionInput = z.strictObject({
  // Optional when the request carries the participant's personal link: the link names them.
  healingName: healingNameSchema.optional(),
  reflection: trimmedText(20_000),
  milestone: label(40).optional(),
  submissionId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{8,100}$/, "must be 8–100 letters, digits, '-' or '_'")
    .optional(),
  // Only picks the crisis resources shown if the reflection screens at risk.
  country: countrySchema.optional(),
});
export type ReflectionInput = z.infer<typeof ReflectionInput>;

/** What the outbox keeps for a reflection: everything needed to write it later, exactly as sent. */
export interface ReflectionPayload {
  submissionId: string;
  healingName: string;
  reflection: string;
  milestone?: string;
  date: string;
  crisisLevel?: SafetyLevel;
}

export const reflectionConfig = defineConfig(
  "reflections",
  z.object({
    REFLECTION_WRITE_BUDGET_MS: intFromEnv(2500, { min: 100, max: 25_000 }),
    // The milestones the reflection form offers, comma-separated, in order.
    REFLECTION_MILESTONES: z
      .string()
      .default("Day 1,Day 7,Day 14,Day 21,Day 30")
      .transform((list) =>
        list
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(label(40)).min(1).max(30)),
  }),
);

export const REFLECTION_STEP = "reflection.write";

// This feature's step kinds and their payloads (the outbox's typed registry).
declare module "../platform/outbox/steps.js" {
  interface StepPayloads {
    "reflection.write": ReflectionPayload;
  }
}

function reflectionFields(p: ReflectionPayload, userId: string, keepText = true): Fields {
  return {
    "Submission ID": p.submissionId,
    User: [userId],
    "Healing Name": p.healingName,
    // Without consent (the participant withdrew it) the reflection is recorded without its text.
    "Reflection Text": keepText ? p.reflection : undefined,
    Date: p.date,
    Milestone: p.milestone,
    "Crisis Level": p.crisisLevel,
  };
}

/** Why the records store would refuse this reflection whatever happens (a value it cannot hold); null when it fits. */
function permanentProblem(p: ReflectionPayload): string | null {
  const problem =
    fieldProblem("Users", { "Healing Name": p.healingName }) ?? fieldProblem("Reflections", reflectionFields(p, "recPlaceholder000000"));
  return problem?.type === "INVALID_VALUE_FOR_COLUMN" ? problem.message : null;
}

/** Upsert a batch of reflections (≤ 10 is one Airtable request), linked to their Users. */
export async function writeReflections(
  payloads: ReflectionPayload[],
  ctx: { records: RecordsStore; kv: Kv | null },
): Promise<Map<string, string>> {
  const users = await resolveUsers(
    payloads.map((p) => p.healingName),
    ctx,
  );
  // The newest decision: the kv cache (chat and intake keep it), else what Users held when read.
  const consent = new Map<string, boolean | undefined>();
  for (const name of new Set(payloads.map((p) => p.healingName))) {
    const cached = ctx.kv ? await cachedConsent(ctx.kv, name).catch(warnAndReturn("reflections.consent_cache_unavailable", null)) : null;
    consent.set(name, (cached ?? users.get(name)?.consent)?.consent);
  }
  try {
    const result = await ctx.records.upsert("Reflections", {
      mergeOn: ["Submission ID"],
      records: payloads.map((p) => {
        const user = users.get(p.healingName)!;
        return reflectionFields({ ...p, healingName: user.name }, user.id, consent.get(p.healingName) !== false);
      }),
    });
    return new Map(result.records.map((r) => [String(r.fields["Submission ID"]), r.id]));
  } catch (error) {
    // A cached user id can go stale if the operator deletes a Users row: forget it before a retry.
    const { kv } = ctx;
    if (error instanceof RecordsError && !error.transient && kv) {
      await forgetUserIds(
        kv,
        payloads.map((p) => p.healingName),
      );
    }
    throw error;
  }
}

export function reflectionStepHandler(ctx: () => Promise<{ records: RecordsStore; kv: Kv | null }>): StepHandler<ReflectionPayload> {
  return {
    batchSize: 10,
    async run(payloads) {
      await writeReflections(payloads, await ctx());
    },
    // Every claimed reflection's link at once, so the batches that follow find them cached.
    async prepare(payloads) {
      await resolveUsers(
        payloads.map((p) => p.healingName),
        await ctx(),
      );
    },
  };
}

export type SubmitOutcome = { status: "stored"; id: string; recordId: string } | { status: "queued"; id: string };

/** Write now within the budget, or keep it in the outbox. Throws only if neither store will take it. */
export async function submitReflection(
  input: ReflectionInput & { healingName: string },
  ctx: { records: () => Promise<RecordsStore>; kv: () => Promise<Kv>; crisisLevel?: SafetyLevel },
): Promise<SubmitOutcome> {
  const payload: ReflectionPayload = {
    submissionId: input.submissionId ?? randomUUID(),
    healingName: input.healingName,
    reflection: input.reflection,
    milestone: input.milestone,
    date: new Date().toISOString(),
    crisisLevel: ctx.crisisLevel,
  };
  // A write that can never succeed is refused now (422), not answered 202 and failed for ever.
  const problem = permanentProblem(payload);
  if (problem) throw new ApiError("unprocessable_entity", `This reflection cannot be stored: ${problem}.`);
  const { REFLECTION_WRITE_BUDGET_MS: budgetMs } = reflectionConfig.load();
  const kvStore = await ctx.kv().catch(warnAndReturn("reflection.kv_unavailable", null));
  try {
    // The write carries on past the budget; the upsert on Submission ID makes a late landing harmless.
    const write = ctx.records().then((records) => writeReflections([payload], { records, kv: kvStore }));
    const ids = await within(write, budgetMs, () => {
      throw new RecordsError("TIMEOUT", `Records write exceeded its ${budgetMs} ms budget`);
    });
    return { status: "stored", id: payload.submissionId, recordId: ids.get(payload.submissionId)! };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof RecordsError && error.code === "INVALID_VALUE_FOR_COLUMN") {
      throw new ApiError("unprocessable_entity", `This reflection cannot be stored: ${error.message}.`);
    }
    // Every other failure keeps the reflection: transient ones drain later, permanent ones (say a
    // field missing from the base) wait as failed steps the operator can replay once it is fixed.
    log.warn("reflection.deferred", { submissionId: payload.submissionId, ...describeError(error) });
    try {
      if (!kvStore) throw error;
      // The id makes this enqueue idempotent: a client retry of the same submission is one step.
      await enqueue(kvStore, { kind: REFLECTION_STEP, id: `reflection:${payload.submissionId}`, payload });
    } catch (queueError) {
      // Neither store took it: say so plainly, so the person keeps their text and sends it again.
      log.error("reflection.not_saved", { submissionId: payload.submissionId, ...describeError(queueError) });
      throw notSaved();
    }
    return { status: "queued", id: payload.submissionId };
  }
}

const RETRY_AFTER_SECONDS = 60;

function notSaved(): ApiError {
  return new ApiError(
    "service_unavailable",
    `Your reflection was not saved: our storage is unreachable right now. Please keep your text and send it again in ${RETRY_AFTER_SECONDS} seconds (with the same submissionId, it is still stored once).`,
    { "retry-after": String(RETRY_AFTER_SECONDS) },
  );
}

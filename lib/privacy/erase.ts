// Erasure: removes or anonymises a participant everywhere, as outbox steps — so a vendor outage
// delays it but loses nothing, and a failed step can be replayed (`npm run outbox -- --replay`).
// First the outbox steps that carry their data (so no pending write brings it back), then kv,
// records and Mailchimp side by side, then a final step that closes the Privacy Request. The
// steps' payloads hold only the request id; who it is about waits in kv under that id until the
// final step deletes it. Crisis Events are kept for the operator's duty of care, unlinked and
// stripped of the Healing Name.
import { randomUUID } from "node:crypto";
import { forgetConversation } from "../companion/conversation.js";
import { getJson, setJson, type Kv } from "../platform/kv/index.js";
import { deleteMemberPermanently, mailchimpBackend } from "../vendors/mailchimp/mailchimp.js";
import { enqueue, getStep, type StepHandler, type StepResult } from "../platform/outbox/outbox.js";
import type { RecordsStore } from "../platform/records/index.js";
import { ALL } from "./keys.js";
import { participantCacheKey } from "../participants/credentials.js";
import {
  conversationIds,
  JOURNEY_LOG,
  journeyLogEntries,
  journeyMarkers,
  locateSubject,
  outboxStepsAbout,
  plainKeys,
  rowsNaming,
  type Subject,
} from "./subject.js";

export const ERASE_STEP = "privacy.erase";
export const ERASE_PARTS = ["outbox", "kv", "records", "mailchimp", "finish"] as const;
export type ErasePart = (typeof ERASE_PARTS)[number];

// This feature's step kinds and their payloads (the outbox's typed registry).
declare module "../platform/outbox/steps.js" {
  interface StepPayloads {
    "privacy.erase": ErasePayload;
  }
}

export interface ErasePayload {
  requestId: string;
  part: ErasePart;
}

interface ErasePlan extends Subject {
  requestId: string;
  requestedBy: string;
  requestedAt: string;
}

const planKey = (requestId: string) => `privacy:plan:${requestId}`;
export const stepId = (requestId: string, part: ErasePart) => `privacy:${requestId}:${part}`;

/** Queue the erasure of a participant; returns the request id. */
export async function requestErasure(
  input: { healingName: string; email?: string; requestedBy: string },
  ctx: { records: RecordsStore; kv: Kv },
): Promise<{ requestId: string }> {
  const subject = await locateSubject(ctx.records, input);
  const requestId = `erasure-${randomUUID()}`;
  const plan: ErasePlan = { ...subject, requestId, requestedBy: input.requestedBy, requestedAt: new Date().toISOString() };
  await setJson(ctx.kv, planKey(requestId), plan);
  const first = await enqueue(ctx.kv, { kind: ERASE_STEP, id: stepId(requestId, "outbox"), payload: { requestId, part: "outbox" } });
  const middle: string[] = [];
  for (const part of ["kv", "records", "mailchimp"] as const) {
    middle.push(
      (await enqueue(ctx.kv, { kind: ERASE_STEP, id: stepId(requestId, part), payload: { requestId, part }, after: [first.id] })).id,
    );
  }
  await enqueue(ctx.kv, { kind: ERASE_STEP, id: stepId(requestId, "finish"), payload: { requestId, part: "finish" }, after: middle });
  await writeRequestRow(ctx, plan, { pending: "outbox" });
  return { requestId };
}

/** The Privacy Requests row: each step's state as the outbox holds it. */
async function writeRequestRow(
  ctx: { records: RecordsStore; kv: Kv },
  plan: ErasePlan,
  now: { done?: ErasePart; pending?: ErasePart },
  completedAt?: string,
): Promise<void> {
  const states: Record<string, string> = {};
  for (const part of ERASE_PARTS) {
    const step = await getStep(ctx.kv, stepId(plan.requestId, part));
    states[part] =
      part === now.done
        ? "done"
        : step
          ? step.status === "done"
            ? "done"
            : step.status === "failed"
              ? "failed"
              : `pending${step.attempts ? ` (attempt ${step.attempts + 1})` : ""}`
          : "pending";
  }
  await ctx.records.upsert("Privacy Requests", {
    mergeOn: ["Request ID"],
    records: [
      {
        "Request ID": plan.requestId,
        Type: "erasure",
        "Requested By": plan.requestedBy,
        "Requested At": plan.requestedAt,
        Status: completedAt ? "complete" : Object.values(states).includes("failed") ? "failed" : "pending",
        Steps: ERASE_PARTS.map((part) => `${part}: ${states[part]}`).join("\n"),
        "Completed At": completedAt,
      },
    ],
  });
}

async function erasePart(part: ErasePart, plan: ErasePlan, ctx: { records: RecordsStore; kv: Kv }): Promise<void> {
  const { records, kv } = ctx;
  switch (part) {
    case "outbox": {
      for (const step of await outboxStepsAbout(kv, plan)) {
        await kv.delete(`outbox:step:${step.id}`, `outbox:lease:${step.id}`);
        for (const set of ["outbox:due", "outbox:pending", "outbox:failed", "outbox:done"]) await kv.zrem(set, step.id);
      }
      return;
    }
    case "kv": {
      for (const { index, ids } of await conversationIds(kv, plan)) {
        for (const id of ids) await forgetConversation(kv, id);
        await kv.zremRangeByScore(index, ALL);
      }
      for (const { index, keys } of await journeyMarkers(kv, plan)) {
        if (keys.length) await kv.delete(...keys);
        await kv.zremRangeByScore(index, ALL);
      }
      await kv.delete(...plainKeys(plan));
      for (const entry of await journeyLogEntries(kv, plan)) await kv.zrem(JOURNEY_LOG, entry);
      await kv.compact?.();
      return;
    }
    case "records": {
      const events = await rowsNaming(records, "Crisis Events", plan);
      // Kept for the operator's duty of care, but no longer about anyone.
      if (events.length)
        await records.update(
          "Crisis Events",
          events.map((e) => ({ id: e.id, fields: { User: [], "Healing Name": null } })),
        );
      const reflections = await rowsNaming(records, "Reflections", plan);
      if (reflections.length)
        await records.delete(
          "Reflections",
          reflections.map((r) => r.id),
        );
      const users = (await Promise.all(plan.userIds.map((id) => records.get("Users", id)))).filter((u) => u !== null);
      if (users.length)
        await records.delete(
          "Users",
          users.map((u) => u.id),
        );
      // A personal link checked in the last minutes is cached with its holder: forget it, so no
      // earlier token signs anyone in after the record is gone.
      if (plan.userIds.length) await kv.delete(...plan.userIds.map(participantCacheKey));
      await records.compact?.();
      return;
    }
    case "mailchimp": {
      if (mailchimpBackend() !== "mailchimp" || !plan.email) return;
      await deleteMemberPermanently(plan.email);
      return;
    }
    case "finish":
      return;
  }
}

export function eraseStepHandler(ctx: () => Promise<{ records: RecordsStore; kv: Kv }>): StepHandler<ErasePayload> {
  return {
    batchSize: 1,
    async run([payload]): Promise<StepResult | void> {
      if (!payload) return;
      const stores = await ctx();
      const plan = await getJson<ErasePlan>(stores.kv, planKey(payload.requestId));
      if (!plan) return { done: true, outcome: "This erasure has already finished" };
      await erasePart(payload.part, plan, stores);
      if (payload.part === "finish") {
        await writeRequestRow(stores, plan, { done: "finish" }, new Date().toISOString());
        await stores.kv.delete(planKey(payload.requestId));
        await stores.kv.compact?.();
        await stores.records.compact?.();
      } else await writeRequestRow(stores, plan, { done: payload.part });
    },
  };
}

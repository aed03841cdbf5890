// Typeform's delivery, end to end short of HTTP: check the signature (refused unsigned on Vercel),
// read the payload, and process it at most once (deduplicated by form_response.token): a new
// participant's Users upsert as an outbox step (which then queues the intake.completed journey, once the
// name is assigned), or an Intake Rejection
// the operator can see. Problems with the submission are answered 200 (a 404 or 410 would disable
// the webhook); only a kv outage is a 503, which Typeform retries.
import { ApiError } from "../platform/http/errors.js";
import { hashKey } from "../platform/kv/index.js";
import { log } from "../platform/log.js";
import { processOnce } from "../platform/webhooks.js";
import { verifyTypeformSignature } from "../vendors/typeform/signature.js";
import { enqueueIntake, enqueueRejection, readParticipant, TypeformPayload, typeformConfig } from "./intake.js";

export type IntakeAnswer = { status: "ignored" | "duplicate" | "accepted" } | { status: "rejected"; reason: string };

/** The answer for Typeform, and whether new steps were queued (the caller drains them briefly). */
export async function receiveTypeform(raw: string, signature: string | null): Promise<{ answer: IntakeAnswer; queued: boolean }> {
  const env = typeformConfig.load();
  if (env.TYPEFORM_WEBHOOK_SECRET) {
    if (!verifyTypeformSignature(raw, signature, env.TYPEFORM_WEBHOOK_SECRET))
      throw new ApiError("unauthorized", "Missing or invalid Typeform-Signature.");
  } else if (env.VERCEL) {
    throw new ApiError("not_configured", "Set TYPEFORM_WEBHOOK_SECRET to accept Typeform webhooks.");
  } else log.warn("intake.unsigned_local");

  const parsed = TypeformPayload.safeParse(safeJson(raw));
  if (!parsed.success) throw new ApiError("bad_request", "The body is not a Typeform webhook payload.");
  const response = parsed.data.form_response;
  if (parsed.data.event_type !== "form_response" || !response) return { answer: { status: "ignored" }, queued: false };

  const outcome = await processOnce(
    { key: `typeform:${hashKey(response.token)}`, ttlSeconds: 90 * 86_400, name: "intake" },
    async (store): Promise<IntakeAnswer> => {
      const participant = readParticipant(response, env.TYPEFORM_FIELD_MAP);
      if ("rejected" in participant) {
        await enqueueRejection(store, {
          token: response.token,
          formId: response.form_id,
          reason: participant.rejected,
          receivedAt: new Date().toISOString(),
        });
        log.info("intake.rejected", { formId: response.form_id, reason: participant.rejected });
        return { status: "rejected", reason: participant.rejected };
      }
      await enqueueIntake(store, { ...participant, token: response.token, submittedAt: response.submitted_at ?? new Date().toISOString() });
      return { status: "accepted" };
    },
  );
  if (outcome.duplicate) return { answer: { status: "duplicate" }, queued: false };
  return { answer: outcome.result, queued: true };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // Not JSON: the payload check answers 400.
    return undefined;
  }
}

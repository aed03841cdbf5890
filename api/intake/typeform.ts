// POST /api/intake/typeform — Typeform's signed webhook: a new participant, their consent, and the
// intake.completed journey. It never answers 404 or 410 (either disables the webhook): problems
// with the submission are recorded and answered 200, and only a kv outage answers 503 (retried).
import { drainBriefly } from "../../lib/drain.js";
import { ApiError } from "../../lib/http/errors.js";
import { readText } from "../../lib/http/body.js";
import { handle } from "../../lib/http/handler.js";
import { json } from "../../lib/http/respond.js";
import { enqueueIntake, enqueueRejection, readParticipant, TypeformPayload, typeformConfig, verifyTypeformSignature } from "../../lib/intake.js";
import { hashKey } from "../../lib/kv/index.js";
import { log } from "../../lib/log.js";
import { processOnce } from "../../lib/webhooks.js";

export async function POST(request: Request): Promise<Response> {
  return handle("intake.typeform", async () => {
    const raw = await readText(request, 1024 * 1024);
    const env = typeformConfig.load();
    if (env.TYPEFORM_WEBHOOK_SECRET) {
      if (!verifyTypeformSignature(raw, request.headers.get("typeform-signature"), env.TYPEFORM_WEBHOOK_SECRET)) {
        throw new ApiError("unauthorized", "Missing or invalid Typeform-Signature.");
      }
    } else if (env.VERCEL) {
      throw new ApiError("not_configured", "Set TYPEFORM_WEBHOOK_SECRET to accept Typeform webhooks.");
    } else log.warn("intake.unsigned_local");

    const parsed = TypeformPayload.safeParse(safeJson(raw));
    if (!parsed.success) throw new ApiError("bad_request", "The body is not a Typeform webhook payload.");
    const response = parsed.data.form_response;
    if (parsed.data.event_type !== "form_response" || !response) return json({ status: "ignored" });

    const outcome = await processOnce({ key: `typeform:${hashKey(response.token)}`, ttlSeconds: 90 * 86_400, name: "intake" }, async (store) => {
      const participant = readParticipant(response, env.TYPEFORM_FIELD_MAP);
      if ("rejected" in participant) {
        await enqueueRejection(store, { token: response.token, formId: response.form_id, reason: participant.rejected, receivedAt: new Date().toISOString() });
        log.info("intake.rejected", { formId: response.form_id, reason: participant.rejected });
        return { status: "rejected", reason: participant.rejected };
      }
      await enqueueIntake(store, { ...participant, token: response.token, submittedAt: response.submitted_at ?? new Date().toISOString() });
      return { status: "accepted" };
    });
    if (outcome.duplicate) return json({ status: "duplicate" });
    await drainBriefly(3000);
    return json(outcome.result);
  });
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // Not JSON: the payload check above answers 400.
    return undefined;
  }
}

// POST /api/intake/typeform — Typeform's signed webhook: a new participant, their consent, and the
// intake.completed journey. It never answers 404 or 410 (either disables the webhook): problems
// with the submission are recorded and answered 200, and only a kv outage answers 503 (retried).
import { drainBriefly } from "../../lib/delivery/drain.js";
import { receiveTypeform } from "../../lib/intake/webhook.js";
import { readText } from "../../lib/platform/http/body.js";
import { handle } from "../../lib/platform/http/handler.js";
import { json } from "../../lib/platform/http/respond.js";

export async function POST(request: Request): Promise<Response> {
  return handle("intake.typeform", async () => {
    const raw = await readText(request, 1024 * 1024);
    const { answer, queued } = await receiveTypeform(raw, request.headers.get("typeform-signature"));
    if (queued) await drainBriefly(3000);
    return json(answer);
  });
}

// POST /api/billing/webhook — Stripe events that keep each participant's plan in sync and start
// the subscription journeys. Verified on the raw body; duplicates and ignored types answer 200.
import { receiveStripeEvent } from "../../lib/billing/webhook.js";
import { drainBriefly } from "../../lib/delivery/drain.js";
import { readText } from "../../lib/platform/http/body.js";
import { handle } from "../../lib/platform/http/handler.js";
import { json } from "../../lib/platform/http/respond.js";

export async function POST(request: Request): Promise<Response> {
  return handle("billing.webhook", async () => {
    const raw = await readText(request, 1024 * 1024);
    const { answer, queued } = await receiveStripeEvent(raw, request.headers.get("stripe-signature"));
    if (queued) await drainBriefly(4000);
    return json(answer);
  });
}

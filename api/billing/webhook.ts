// POST /api/billing/webhook — Stripe events that keep each participant's plan in sync and start
// the subscription journeys. Verified on the raw body; duplicates and ignored types answer 200.
import { billingConfig, enqueueBillingEvent, verifyStripeEvent } from "../../lib/billing/billing.js";
import { drainBriefly } from "../../lib/delivery/drain.js";
import { ApiError } from "../../lib/platform/http/errors.js";
import { readText } from "../../lib/platform/http/body.js";
import { handle } from "../../lib/platform/http/handler.js";
import { json } from "../../lib/platform/http/respond.js";
import { processOnce } from "../../lib/platform/webhooks.js";

export async function POST(request: Request): Promise<Response> {
  return handle("billing.webhook", async () => {
    const raw = await readText(request, 1024 * 1024);
    const secret = billingConfig.load().STRIPE_WEBHOOK_SECRET;
    if (!secret) throw new ApiError("not_configured", "Set STRIPE_WEBHOOK_SECRET to accept Stripe webhooks.");
    const verified = await verifyStripeEvent(raw, request.headers.get("stripe-signature") ?? "", secret);
    if (!verified.handled) return json({ received: true, ignored: verified.type });
    const payload = verified.event;
    const outcome = await processOnce({ key: `stripe:event:${payload.id}`, ttlSeconds: 30 * 86_400, name: "billing" }, (store) => enqueueBillingEvent(store, payload));
    if (outcome.duplicate) return json({ received: true, duplicate: true });
    await drainBriefly(4000);
    return json({ received: true });
  });
}

// POST /api/billing/webhook — Stripe events that keep each participant's plan in sync and start
// the subscription journeys. Verified on the raw body; duplicates and ignored types answer 200.
import { billingConfig, enqueueBillingEvent, HANDLED_EVENTS, stripe, type BillingEvent } from "../../lib/billing.js";
import { drainBriefly } from "../../lib/drain.js";
import { ApiError } from "../../lib/http/errors.js";
import { readText } from "../../lib/http/body.js";
import { handle } from "../../lib/http/handler.js";
import { json } from "../../lib/http/respond.js";
import { kv } from "../../lib/kv/index.js";
import { describeError, log } from "../../lib/log.js";

export async function POST(request: Request): Promise<Response> {
  return handle("billing.webhook", async () => {
    const raw = await readText(request, 1024 * 1024);
    const secret = billingConfig.load().STRIPE_WEBHOOK_SECRET;
    if (!secret) throw new ApiError("not_configured", "Set STRIPE_WEBHOOK_SECRET to accept Stripe webhooks.");
    let event;
    try {
      event = (await stripe()).webhooks.constructEvent(raw, request.headers.get("stripe-signature") ?? "", secret);
    } catch {
      throw new ApiError("bad_request", "The Stripe-Signature does not match this body (or is too old).");
    }
    if (!(HANDLED_EVENTS as readonly string[]).includes(event.type)) return json({ received: true, ignored: event.type });

    const store = await kv().catch(() => null);
    const ledgerKey = `stripe:event:${event.id}`;
    const first = store && (await store.setIfAbsent(ledgerKey, "1", { ttlSeconds: 30 * 86_400 }).catch(() => null));
    if (first === null || !store) throw new ApiError("service_unavailable", "Storage is unavailable; Stripe will retry.");
    if (!first) return json({ received: true, duplicate: true });
    const payload: BillingEvent = { id: event.id, type: event.type as BillingEvent["type"], created: event.created, object: event.data.object as unknown as Record<string, unknown> };
    try {
      await enqueueBillingEvent(store, payload);
    } catch (error) {
      log.error("billing.not_queued", describeError(error));
      await store.delete(ledgerKey).catch(() => 0);
      throw new ApiError("service_unavailable", "Storage is unavailable; Stripe will retry.", {}, error);
    }
    await drainBriefly(4000);
    return json({ received: true });
  });
}

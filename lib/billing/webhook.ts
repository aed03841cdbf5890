// Stripe's delivery, short of HTTP: verify it on the raw body, answer ignored types at once, and
// queue a handled event at most once (the event.id ledger). Its effect on the plan runs as an
// outbox step (lib/billing/billing.ts).
import { ApiError } from "../platform/http/errors.js";
import { processOnce } from "../platform/webhooks.js";
import { billingConfig, enqueueBillingEvent, verifyStripeEvent } from "./billing.js";

export type BillingAnswer = { received: true; ignored?: string; duplicate?: true };

/** The answer for Stripe, and whether a step was queued (the caller drains it briefly). */
export async function receiveStripeEvent(raw: string, signature: string | null): Promise<{ answer: BillingAnswer; queued: boolean }> {
  const secret = billingConfig.load().STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new ApiError("not_configured", "Set STRIPE_WEBHOOK_SECRET to accept Stripe webhooks.");
  const verified = await verifyStripeEvent(raw, signature ?? "", secret);
  if (!verified.handled) return { answer: { received: true, ignored: verified.type }, queued: false };
  const payload = verified.event;
  const outcome = await processOnce({ key: `stripe:event:${payload.id}`, ttlSeconds: 30 * 86_400, name: "billing" }, (store) =>
    enqueueBillingEvent(store, payload),
  );
  if (outcome.duplicate) return { answer: { received: true, duplicate: true }, queued: false };
  return { answer: { received: true }, queued: true };
}

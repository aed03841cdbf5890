// Signed Stripe fixtures (stripe.webhooks.generateTestHeaderString) and a Stripe API emulator for
// re-reading subscriptions.
import { http, HttpResponse } from "msw";
import Stripe from "stripe";

export const STRIPE_WEBHOOK_SECRET = "whsec_test_secret";
export const TEST_STRIPE_API = "https://stripe-api.test";
const signer = new Stripe("sk_test_fixture");

let counter = 0;
export function stripeEvent(type: string, object: Record<string, unknown>, options: { id?: string; created?: number } = {}) {
  return {
    id: options.id ?? `evt_${++counter}_${Date.now()}`,
    object: "event",
    api_version: "2025-01-01",
    created: options.created ?? Math.floor(Date.now() / 1000),
    type,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  };
}

export function signedStripe(raw: string, options: { secret?: string; timestamp?: number } = {}): Request {
  const header = signer.webhooks.generateTestHeaderString({
    payload: raw,
    secret: options.secret ?? STRIPE_WEBHOOK_SECRET,
    timestamp: options.timestamp,
  });
  return new Request("http://localhost/api/billing/webhook", {
    method: "POST",
    headers: { "stripe-signature": header, "content-type": "application/json" },
    body: raw,
  });
}

/** GET /v1/subscriptions/:id answers the status the test set; unknown ids get Stripe's 404. */
export function stripeApiEmulator(statuses: Record<string, string>) {
  const reads: string[] = [];
  const handlers = [
    http.get(`${TEST_STRIPE_API}/v1/balance`, ({ request }) =>
      request.headers.get("authorization")?.startsWith("Bearer sk_test_")
        ? HttpResponse.json({ object: "balance", available: [], pending: [], livemode: false })
        : HttpResponse.json({ error: { type: "invalid_request_error", message: "Invalid API Key provided" } }, { status: 401 }),
    ),
    http.get(`${TEST_STRIPE_API}/v1/subscriptions/:id`, ({ params, request }) => {
      reads.push(String(params.id));
      if (!request.headers.get("authorization")?.startsWith("Bearer sk_test_")) {
        return HttpResponse.json({ error: { type: "invalid_request_error", message: "Invalid API Key provided" } }, { status: 401 });
      }
      const status = statuses[String(params.id)];
      if (!status) {
        return HttpResponse.json(
          {
            error: {
              type: "invalid_request_error",
              code: "resource_missing",
              message: `No such subscription: '${params.id}'`,
              param: "id",
            },
          },
          { status: 404 },
        );
      }
      return HttpResponse.json({ id: params.id, object: "subscription", status, customer: "cus_river" });
    }),
  ];
  return { handlers, reads };
}

// Realistic, signed provider deliveries for trying the webhooks offline against `npm start`:
// Stripe events (signed the way Stripe signs, with STRIPE_WEBHOOK_SECRET) and a Typeform intake
// (signed with TYPEFORM_WEBHOOK_SECRET when one is set). Used by `npm run stripe:event` and
// `npm run typeform:event`, and by the tests that walk every journey.
import { createHmac, randomBytes } from "node:crypto";
import Stripe from "stripe";
import { HANDLED_EVENTS } from "../lib/billing/billing.js";

export type StripeEventType = (typeof HANDLED_EVENTS)[number];

export interface Participant {
  healingName: string;
  email: string;
  customer: string;
  subscription: string;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(8).toString("hex")}`;

/** The data.object Stripe sends for each handled type, with the fields a real one has that matter here. */
function objectFor(type: StripeEventType, who: Participant, now: number): Record<string, unknown> {
  const subscription = (status: string) => ({
    id: who.subscription,
    object: "subscription",
    customer: who.customer,
    status,
    created: now,
    current_period_start: now,
    items: {
      object: "list",
      data: [
        {
          id: id("si"),
          object: "subscription_item",
          price: { id: "price_test_member", object: "price", recurring: { interval: "month" } },
        },
      ],
    },
  });
  const invoice = (status: string) => ({
    id: id("in"),
    object: "invoice",
    customer: who.customer,
    customer_email: who.email,
    status,
    parent: { type: "subscription_details", subscription_details: { subscription: who.subscription } },
  });
  switch (type) {
    case "checkout.session.completed":
      return {
        id: id("cs"),
        object: "checkout.session",
        mode: "subscription",
        client_reference_id: who.healingName,
        customer: who.customer,
        customer_details: { email: who.email, name: null },
        subscription: who.subscription,
        payment_status: "paid",
        status: "complete",
      };
    case "customer.subscription.created":
    case "customer.subscription.updated":
      return subscription("active");
    case "customer.subscription.deleted":
      return subscription("canceled");
    case "invoice.paid":
      return invoice("paid");
    case "invoice.payment_failed":
      return invoice("open");
  }
}

export function stripeTestEvent(type: StripeEventType, who: Participant, now = Math.floor(Date.now() / 1000)) {
  return {
    id: id("evt"),
    object: "event",
    api_version: "2025-09-30.clover",
    created: now,
    type,
    data: { object: objectFor(type, who, now) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  };
}

/** A request exactly as Stripe would send it: the raw JSON body and its Stripe-Signature. */
export function signedStripeRequest(baseUrl: string, event: unknown, secret: string): Request {
  const payload = JSON.stringify(event);
  const header = new Stripe("sk_test_local_signing_only").webhooks.generateTestHeaderString({ payload, secret });
  return new Request(`${baseUrl}/api/billing/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": header },
    body: payload,
  });
}

export function typeformTestIntake(who: { healingName: string; email: string; consent?: boolean }) {
  const token = randomBytes(12).toString("hex");
  return {
    event_id: id("typeform"),
    event_type: "form_response",
    form_response: {
      form_id: "LOCALFORM",
      token,
      submitted_at: new Date().toISOString(),
      hidden: {},
      definition: { id: "LOCALFORM", title: "Intake", fields: [] },
      answers: [
        { type: "text", text: who.healingName, field: { id: "f1", ref: "healing_name", type: "short_text" } },
        { type: "email", email: who.email, field: { id: "f2", ref: "email", type: "email" } },
        { type: "boolean", boolean: who.consent ?? true, field: { id: "f3", ref: "consent", type: "yes_no" } },
        { type: "choices", choices: { labels: ["Better sleep"] }, field: { id: "f4", ref: "healing_goals", type: "multiple_choice" } },
        { type: "choice", choice: { label: "Some" }, field: { id: "f5", ref: "fasting_experience", type: "multiple_choice" } },
      ],
    },
  };
}

/** A Typeform delivery; signed as Typeform signs (sha256=base64 HMAC of the raw body) when a secret is given. */
export function signedTypeformRequest(baseUrl: string, payload: unknown, secret?: string): Request {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret) headers["typeform-signature"] = `sha256=${createHmac("sha256", secret).update(body).digest("base64")}`;
  return new Request(`${baseUrl}/api/intake/typeform`, { method: "POST", headers, body });
}

/** `--name River --email x` style options, with defaults. */
export function parseOptions(argv: string[]): { positional: string[]; options: Record<string, string> } {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("--")) options[arg.slice(2)] = argv[++i] ?? "";
    else positional.push(arg);
  }
  return { positional, options };
}

export function participantFrom(options: Record<string, string>): Participant {
  const healingName = options.name ?? "River";
  const slug = healingName.toLowerCase().replace(/[^a-z0-9]+/g, "");
  return {
    healingName,
    email: options.email ?? `${slug || "participant"}@example.org`,
    customer: options.customer ?? `cus_test_${slug || "participant"}`,
    subscription: options.subscription ?? `sub_test_${slug || "participant"}`,
  };
}

export function localBaseUrl(): string {
  return (process.env.LOCAL_BASE_URL?.trim() || `http://localhost:${process.env.PORT?.trim() || 3000}`).replace(/\/+$/, "");
}

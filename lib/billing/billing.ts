// Stripe billing: verify the event on the raw body, keep an event.id ledger, and apply the
// subscription's state to Users (Plan, Subscription Status, Stripe Customer ID) as an outbox
// step. Stripe delivers out of order, so the state comes from re-reading the subscription when
// STRIPE_SECRET_KEY is set, and otherwise from comparing event timestamps per subscription.
import { z } from "zod";
import { constructStripeEvent, retrieveSubscriptionStatus, stripeConfig, stripeProbe } from "../vendors/stripe/stripe.js";
import { emitJourneyEvent } from "../journeys/journeys.js";
import { getJson, setJson, type Kv } from "../platform/kv/index.js";
import { ApiError } from "../platform/http/errors.js";
import { log, warnAndReturn } from "../platform/log.js";
import { enqueue, PermanentStepError, type StepHandler, type StepResult } from "../platform/outbox/outbox.js";
import type { RecordsStore, StoredRecord } from "../platform/records/index.js";
import { PLANS, SUBSCRIPTION_STATUSES } from "../platform/records/schema.js";
import { participantKey } from "../participants/names.js";
import { findUserByName } from "../participants/repository.js";

export const billingConfig = stripeConfig;

export const HANDLED_EVENTS = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
] as const;

export type Plan = (typeof PLANS)[number];
type Status = (typeof SUBSCRIPTION_STATUSES)[number];

export function planFor(status: string): Plan {
  return status === "active" || status === "trialing" || status === "past_due" ? "member" : "free";
}

export interface BillingEvent {
  id: string;
  type: (typeof HANDLED_EVENTS)[number];
  created: number;
  object: Record<string, unknown>;
}

// The shape of what a signed event must carry before it is queued: the fields the step reads,
// with their types. Anything else may be there (Stripe adds fields); a wrong shape is a 400 at the
// edge, never a TypeError in the outbox.
const ref = z.union([z.string(), z.looseObject({ id: z.string() })]).nullish();
const StripeEnvelope = z.looseObject({ id: z.string().min(1), type: z.string().min(1), created: z.number().int().positive() });
const OBJECT_SHAPES = {
  "checkout.session.completed": z.looseObject({
    client_reference_id: z.string().nullish(),
    customer: ref,
    customer_email: z.string().nullish(),
    customer_details: z.looseObject({ email: z.string().nullish() }).nullish(),
    subscription: ref,
    payment_status: z.string(),
  }),
  "customer.subscription.created": z.looseObject({ id: z.string(), customer: ref, status: z.string() }),
  "customer.subscription.updated": z.looseObject({ id: z.string(), customer: ref, status: z.string() }),
  "customer.subscription.deleted": z.looseObject({ id: z.string(), customer: ref, status: z.string().optional() }),
  "invoice.paid": z.looseObject({
    id: z.string(),
    customer: ref,
    subscription: ref,
    parent: z.looseObject({ subscription_details: z.looseObject({ subscription: ref }).nullish() }).nullish(),
  }),
  "invoice.payment_failed": z.looseObject({
    id: z.string(),
    customer: ref,
    subscription: ref,
    parent: z.looseObject({ subscription_details: z.looseObject({ subscription: ref }).nullish() }).nullish(),
  }),
} satisfies Record<(typeof HANDLED_EVENTS)[number], z.ZodType>;

export type ParsedStripeEvent = { handled: false; id: string; type: string } | { handled: true; event: BillingEvent };

/** Where a parsed event's shape is wrong, as "data.object.status: …" (never a value); null when it is fine. */
function shapeProblem(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${[prefix, ...issue.path].filter(Boolean).join(".")}: ${issue.message}`)
    .join("; ");
}

/** Check a verified event's shape: its envelope, and for a handled type the object the step reads. */
export function parseStripeEvent(value: unknown): { ok: true; parsed: ParsedStripeEvent } | { ok: false; problem: string } {
  const envelope = StripeEnvelope.safeParse(value);
  if (!envelope.success) return { ok: false, problem: shapeProblem(envelope.error, "") };
  const { id, type, created } = envelope.data;
  if (!(HANDLED_EVENTS as readonly string[]).includes(type)) return { ok: true, parsed: { handled: false, id, type } };
  const handledType = type as BillingEvent["type"];
  const data = z.looseObject({ object: OBJECT_SHAPES[handledType] }).safeParse(envelope.data.data);
  if (!data.success) return { ok: false, problem: shapeProblem(data.error, "data") };
  return { ok: true, parsed: { handled: true, event: { id, type: handledType, created, object: data.data.object } } };
}

/** Stripe's own tolerance: a signature older than this is refused, and so (here) is one from the future. */
export const STRIPE_TOLERANCE_SECONDS = 300;

/**
 * Verify the signature on the raw body (Stripe's SDK), bound the timestamp both ways (the SDK
 * only refuses old ones), then check the event's shape. Every refusal is a 400 naming what is
 * wrong, never echoing the body.
 */
export async function verifyStripeEvent(raw: string, header: string, secret: string, now = Date.now()): Promise<ParsedStripeEvent> {
  const event = await constructStripeEvent(raw, header, secret, STRIPE_TOLERANCE_SECONDS);
  if (event === null) throw new ApiError("bad_request", "The Stripe-Signature does not match this body (or is too old).");
  const timestamp = Number(/(?:^|,)\s*t=(\d+)/.exec(header)?.[1]);
  if (!Number.isFinite(timestamp) || timestamp > Math.floor(now / 1000) + STRIPE_TOLERANCE_SECONDS) {
    throw new ApiError("bad_request", `The Stripe-Signature timestamp is more than ${STRIPE_TOLERANCE_SECONDS} s in the future.`);
  }
  const result = parseStripeEvent(event);
  if (!result.ok) throw new ApiError("bad_request", `The event is not a well-formed Stripe event (${result.problem}).`);
  return result.parsed;
}

export const BILLING_STEP = "billing.event";

// This feature's step kinds and their payloads (the outbox's typed registry).
declare module "../platform/outbox/steps.js" {
  interface StepPayloads {
    "billing.event": BillingEvent;
  }
}

export async function enqueueBillingEvent(kv: Kv, event: BillingEvent): Promise<void> {
  await enqueue(kv, { kind: BILLING_STEP, id: `billing:${event.id}`, payload: event });
}

const id = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof (value as { id?: unknown })?.id === "string" ? (value as { id: string }).id : undefined;

/** The subscription an invoice belongs to, across API versions (top level, or parent details). */
function invoiceSubscription(invoice: Record<string, unknown>): string | undefined {
  const parent = invoice.parent as { subscription_details?: { subscription?: unknown } } | undefined;
  return id(invoice.subscription) ?? id(parent?.subscription_details?.subscription);
}

export const planKey = (name: string) => `plan:${participantKey(name)}`;

/** The participant's plan for rate limits: kv cache first, then Users.Plan; free when unknown. */
export async function planOf(ctx: { kv: Kv | null; records: () => Promise<RecordsStore> }, healingName: string): Promise<Plan> {
  const cached = await ctx.kv?.get(planKey(healingName)).catch(warnAndReturn("billing.plan_cache_unavailable", null));
  if (cached === "member" || cached === "free") return cached;
  const user = await findUserByName(await ctx.records(), healingName);
  const plan: Plan = user?.fields.Plan === "member" ? "member" : "free";
  await ctx.kv?.set(planKey(healingName), plan, { ttlSeconds: 600 }).catch(warnAndReturn("billing.plan_cache_unavailable", undefined));
  return plan;
}

interface SubscriptionState {
  status: Status;
  /** Event time (or re-read time) the state is from. */
  at: number;
}

/**
 * Decide the subscription's state. With an API key the subscription is re-read (the source of
 * truth). Without, the newest event wins per subscription; on a tie a terminal state wins.
 * Returns null when this event is older than what was already applied.
 */
async function resolveState(
  kv: Kv,
  input: { subscriptionId?: string; status: Status; created: number },
): Promise<SubscriptionState | null> {
  if (!input.subscriptionId) return { status: input.status, at: input.created };
  if (billingConfig.load().STRIPE_SECRET_KEY) {
    const current = await retrieveSubscriptionStatus(input.subscriptionId);
    if (current === null) return { status: "canceled", at: input.created };
    return { status: current as Status, at: Math.floor(Date.now() / 1000) };
  }
  const key = `stripe:subscription:${input.subscriptionId}`;
  const seen = await getJson<SubscriptionState>(kv, key);
  const terminal = (status: Status) => status === "canceled" || status === "incomplete_expired";
  if (seen && (input.created < seen.at || (input.created === seen.at && terminal(seen.status) && !terminal(input.status)))) {
    log.info("billing.stale_event", { subscriptionId: input.subscriptionId });
    return null;
  }
  const state = { status: input.status, at: input.created };
  await setJson(kv, key, state, { ttlSeconds: 400 * 86_400 });
  return state;
}

async function findUser(
  records: RecordsStore,
  by: { customerId?: string; healingName?: string; email?: string },
): Promise<StoredRecord | undefined> {
  if (by.healingName) {
    const user = await findUserByName(records, by.healingName);
    if (user) return user;
  }
  if (by.customerId) {
    const [user] = await records.find("Users", { "Stripe Customer ID": by.customerId }, { limit: 1 });
    if (user) return user;
  }
  if (by.email) {
    const [user] = await records.find("Users", { Email: by.email.toLowerCase() }, { limit: 1 });
    if (user) return user;
  }
  return undefined;
}

/** Apply one event: Users fields, the plan cache, and the journey event it starts. */
export async function applyBillingEvent(event: BillingEvent, ctx: { records: RecordsStore; kv: Kv }): Promise<void | StepResult> {
  const o = event.object;
  let customerId = id(o.customer);
  let subscriptionId: string | undefined;
  let status: Status;
  let healingName: string | undefined;
  let email: string | undefined;
  switch (event.type) {
    case "checkout.session.completed": {
      healingName = typeof o.client_reference_id === "string" ? o.client_reference_id : undefined;
      email = (o.customer_details as { email?: string } | undefined)?.email ?? (o.customer_email as string | undefined);
      subscriptionId = id(o.subscription);
      status = o.payment_status === "paid" || o.payment_status === "no_payment_required" ? "active" : "incomplete";
      break;
    }
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      subscriptionId = id(o.id);
      status = (event.type === "customer.subscription.deleted" ? "canceled" : o.status) as Status;
      break;
    case "invoice.paid":
      subscriptionId = invoiceSubscription(o);
      status = "active";
      break;
    case "invoice.payment_failed":
      subscriptionId = invoiceSubscription(o);
      status = "past_due";
      break;
  }
  const user = await findUser(ctx.records, { customerId, healingName, email });
  if (!user) return { done: true, outcome: `No participant matches this ${event.type} (customer, client_reference_id or email)` };
  customerId ??= user.fields["Stripe Customer ID"] as string | undefined;

  const state = await resolveState(ctx.kv, { subscriptionId, status, created: event.created });
  const fields: Record<string, unknown> = customerId ? { "Stripe Customer ID": customerId } : {};
  if (state) {
    fields.Plan = planFor(state.status);
    fields["Subscription Status"] = SUBSCRIPTION_STATUSES.includes(state.status) ? state.status : "none";
  }
  await ctx.records.update("Users", [{ id: user.id, fields }]);
  const name = String(user.fields["Healing Name"]);
  if (state) await ctx.kv.set(planKey(name), planFor(state.status), { ttlSeconds: 600 });

  const participant = {
    healingName: name,
    email: (user.fields.Email as string | undefined) ?? email,
    plan: state ? planFor(state.status) : undefined,
  };
  if (event.type === "invoice.payment_failed") {
    await emitJourneyEvent(ctx.kv, { ...participant, event: "subscription.payment_failed", key: id(o.id) ?? event.id });
  } else if (state?.status === "canceled") {
    await emitJourneyEvent(ctx.kv, { ...participant, event: "subscription.canceled", key: subscriptionId ?? event.id });
  } else if (state && (state.status === "active" || state.status === "trialing")) {
    await emitJourneyEvent(ctx.kv, { ...participant, event: "subscription.active", key: subscriptionId ?? customerId ?? event.id });
  }
}

export function billingStepHandler(ctx: () => Promise<{ records: RecordsStore; kv: Kv }>): StepHandler<BillingEvent> {
  return {
    batchSize: 1,
    async run([event]) {
      if (!event) return;
      // Steps queued before the edge checked shapes (or edited by hand) get the same check.
      const checked = parseStripeEvent({ id: event.id, type: event.type, created: event.created, data: { object: event.object } });
      if (!checked.ok || !checked.parsed.handled)
        throw new PermanentStepError(`Malformed billing event: ${checked.ok ? "unhandled type" : checked.problem}`);
      return applyBillingEvent(checked.parsed.event, await ctx());
    },
  };
}

/** For /api/health?deep=1: whether billing can work — the webhook secret, and the API when a key is set. */
export async function billingProbe(): Promise<"not_configured" | (() => Promise<unknown>)> {
  const env = billingConfig.load();
  if (!env.STRIPE_WEBHOOK_SECRET) return "not_configured";
  return stripeProbe();
}

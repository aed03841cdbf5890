import { describe, expect, it, vi } from "vitest";
import { POST } from "../../api/billing/webhook.js";
import { POST as chat } from "../../api/chat.js";
import { settleBackground } from "../../lib/platform/background.js";
import { enqueueBillingEvent } from "../../lib/billing/billing.js";
import { drainOutbox } from "../../lib/delivery/drain.js";
import { journeyLog } from "../../lib/journeys/journeys.js";
import { failedSteps, pendingSteps } from "../../lib/platform/outbox/outbox.js";
import { kv, setKvForTesting } from "../../lib/platform/kv/index.js";
import { records, setRecordsForTesting, type RecordsStore } from "../../lib/platform/records/index.js";
import { brokenKv } from "../support/broken.js";
import { postJson } from "../support/http.js";
import { mailchimpEmulator, useMailchimpEnv } from "../support/mailchimp-emulator.js";
import { server } from "../support/msw.js";
import { kvRows } from "../support/stores.js";
import { signedStripe, STRIPE_WEBHOOK_SECRET, stripeApiEmulator, stripeEvent, TEST_STRIPE_API } from "../support/stripe.js";
import { useEnv } from "../support/env.js";

async function setup(options: { secretKey?: boolean } = {}) {
  useEnv({ STRIPE_WEBHOOK_SECRET: STRIPE_WEBHOOK_SECRET });
  if (options.secretKey) {
    useEnv({ STRIPE_SECRET_KEY: "sk_test_reread", STRIPE_API_BASE_URL: TEST_STRIPE_API });
  }
  const store = await records();
  await store.create("Users", [{ "Healing Name": "River", Email: "river@example.org", Plan: "free" }]);
  return store;
}

async function deliver(event: unknown, options?: { secret?: string; timestamp?: number }) {
  const response = await POST(signedStripe(JSON.stringify(event), options));
  return { status: response.status, body: await response.json() };
}

const river = async () => (await (await records()).find("Users", { "Healing Name": "River" }))[0]!.fields;

const checkout = () =>
  stripeEvent("checkout.session.completed", {
    id: "cs_1",
    object: "checkout.session",
    client_reference_id: "River",
    customer: "cus_river",
    subscription: "sub_1",
    payment_status: "paid",
    customer_details: { email: "river@example.org" },
  });

describe("POST /api/billing/webhook", () => {
  it("links the customer at checkout and makes River a member, starting the subscription.active journey", async () => {
    await setup();
    expect((await deliver(checkout())).status).toBe(200);
    await settleBackground();
    expect(await river()).toMatchObject({ Plan: "member", "Subscription Status": "active", "Stripe Customer ID": "cus_river" });
    const log = await journeyLog(await kv());
    expect(log.find((e) => e.action === "tags")).toMatchObject({
      event: "subscription.active",
      addTags: ["member"],
      removeTags: ["payment-failed", "canceled"],
    });
  });

  it.each([
    ["a missing header", (raw: string) => new Request("http://localhost/api/billing/webhook", { method: "POST", body: raw })],
    ["a wrong secret", (raw: string) => signedStripe(raw, { secret: "whsec_wrong" })],
    [
      "a body changed by one byte",
      (raw: string) => {
        const signed = signedStripe(raw);
        return new Request(signed.url, { method: "POST", headers: signed.headers, body: raw.replace('"River"', '"Rivet"') });
      },
    ],
    ["a timestamp older than 300 s", (raw: string) => signedStripe(raw, { timestamp: Math.floor(Date.now() / 1000) - 301 })],
  ])("refuses %s with 400 and writes nothing", async (_name, build) => {
    await setup();
    const response = await POST(build(JSON.stringify(checkout())));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: "bad_request", message: expect.any(String) } });
    await settleBackground();
    expect(await river()).toEqual({ "Healing Name": "River", Email: "river@example.org", Plan: "free" });
    expect(kvRows()).toEqual([]);
  });

  it("applies the same event delivered 3 times concurrently once: one Users change, one Mailchimp upsert, one journey", async () => {
    useMailchimpEnv();
    const mailchimp = mailchimpEmulator();
    server.use(...mailchimp.handlers);
    const real = await setup();
    let userUpdates = 0;
    setRecordsForTesting(
      new Proxy(real, {
        get: (target, prop) =>
          prop === "update"
            ? (table: string, rows: unknown[]) => (
                (userUpdates += table === "Users" ? 1 : 0),
                target.update(table as "Users", rows as never)
              )
            : target[prop as keyof RecordsStore],
      }),
    );
    const raw = JSON.stringify(checkout());
    const responses = await Promise.all([1, 2, 3].map(() => POST(signedStripe(raw))));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await settleBackground();
    expect(userUpdates).toBe(1);
    expect(mailchimp.upserts).toHaveLength(1);
    expect(mailchimp.tagCalls).toHaveLength(1);
  });

  it("ends canceled when customer.subscription.deleted arrives before an older updated (timestamps)", async () => {
    await setup();
    await deliver(checkout());
    const t = Math.floor(Date.now() / 1000);
    await deliver(
      stripeEvent(
        "customer.subscription.deleted",
        { id: "sub_1", object: "subscription", customer: "cus_river", status: "canceled" },
        { created: t + 20 },
      ),
    );
    await deliver(
      stripeEvent(
        "customer.subscription.updated",
        { id: "sub_1", object: "subscription", customer: "cus_river", status: "active" },
        { created: t + 10 },
      ),
    );
    await settleBackground();
    expect(await river()).toMatchObject({ Plan: "free", "Subscription Status": "canceled" });
  });

  it("ends canceled when deleted arrives before updated, by re-reading the subscription from Stripe", async () => {
    const api = stripeApiEmulator({ sub_1: "canceled" });
    server.use(...api.handlers);
    const store = await setup({ secretKey: true });
    const [user] = await store.find("Users", { "Healing Name": "River" });
    await store.update("Users", [
      { id: user!.id, fields: { "Stripe Customer ID": "cus_river", Plan: "member", "Subscription Status": "active" } },
    ]);
    await deliver(
      stripeEvent("customer.subscription.deleted", { id: "sub_1", object: "subscription", customer: "cus_river", status: "canceled" }),
    );
    await deliver(
      stripeEvent("customer.subscription.updated", { id: "sub_1", object: "subscription", customer: "cus_river", status: "active" }),
    );
    await settleBackground();
    expect(api.reads).toEqual(["sub_1", "sub_1"]);
    expect(await river()).toMatchObject({ Plan: "free", "Subscription Status": "canceled" });
  });

  it("marks a failed payment past_due and starts the payment_failed journey", async () => {
    await setup();
    await deliver(checkout());
    await deliver(
      stripeEvent("invoice.payment_failed", {
        id: "in_9",
        object: "invoice",
        customer: "cus_river",
        parent: { subscription_details: { subscription: "sub_1" } },
      }),
    );
    await settleBackground();
    expect(await river()).toMatchObject({ "Subscription Status": "past_due" });
    expect((await journeyLog(await kv())).some((e) => e.event === "subscription.payment_failed" && e.action === "tags")).toBe(true);
  });

  it("answers 200 to an event type it does not handle, and writes nothing", async () => {
    await setup();
    const { status, body } = await deliver(stripeEvent("charge.refunded", { id: "ch_1", object: "charge" }));
    expect(status).toBe(200);
    expect(body).toEqual({ received: true, ignored: "charge.refunded" });
    expect(kvRows()).toEqual([]);
  });

  it.each([
    ["data: null", { ...checkout(), data: null }],
    ["no data", { ...checkout(), data: undefined }],
    ["data.object: null", { ...checkout(), data: { object: null } }],
    ["a numeric subscription status", stripeEvent("customer.subscription.updated", { id: "sub_1", customer: "cus_river", status: 3 })],
    ["a subscription without an id", stripeEvent("customer.subscription.deleted", { customer: "cus_river", status: "canceled" })],
    ["a customer that is a number", stripeEvent("invoice.paid", { id: "in_1", customer: 42 })],
    [
      "checkout details that are a string",
      stripeEvent("checkout.session.completed", { payment_status: "paid", customer_details: "river" }),
    ],
    ["a created time that is a string", { ...checkout(), created: "yesterday" }],
    ["no event id", { ...checkout(), id: undefined }],
  ])("answers 400 to a signed event with %s and queues nothing", async (_case, event) => {
    await setup();
    const { status, body } = await deliver(event);
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: "bad_request", message: expect.stringContaining("not a well-formed Stripe event") } });
    await settleBackground();
    expect(kvRows()).toEqual([]);
    expect(await river()).toMatchObject({ Plan: "free" });
  });

  it("still answers 200 to an ignored event type whatever its data", async () => {
    await setup();
    const { status, body } = await deliver({ ...stripeEvent("charge.refunded", {}), data: null });
    expect(status).toBe(200);
    expect(body).toEqual({ received: true, ignored: "charge.refunded" });
  });

  it.each([
    ["an hour in the future", 3600, 400],
    ["six minutes in the future", 360, 400],
    ["an hour old", -3600, 400],
    ["a minute in the future (clock skew)", 60, 200],
    ["four minutes old", -240, 200],
  ])("bounds the signature timestamp both ways: %s (%i s) answers %i", async (_case, offset, expected) => {
    await setup();
    const { status } = await deliver(checkout(), { timestamp: Math.floor(Date.now() / 1000) + offset });
    expect(status).toBe(expected);
    await settleBackground();
    if (expected === 400) expect(kvRows()).toEqual([]);
  });

  it("parks a malformed billing step queued before the edge checked shapes as failed, not retried", async () => {
    await setup();
    const store = await kv();
    await enqueueBillingEvent(store, {
      id: "evt_old",
      type: "customer.subscription.updated",
      created: 1,
      object: null as unknown as Record<string, unknown>,
    });
    const result = await drainOutbox();
    expect(result).toMatchObject({ failed: 1, retried: 0 });
    expect(await failedSteps(store)).toEqual([expect.objectContaining({ id: "billing:evt_old", status: "failed", attempts: 1 })]);
    expect(await pendingSteps(store)).toEqual([]);
  });

  it("answers 503 when kv is unreachable, so Stripe retries", async () => {
    await setup();
    setKvForTesting(brokenKv());
    expect((await deliver(checkout())).status).toBe(503);
  });

  it("answers 503 (not configured) without a webhook secret", async () => {
    const response = await POST(signedStripe(JSON.stringify(checkout())));
    expect(response.status).toBe(503);
  });
});

describe("plan entitlements", () => {
  it("gives members their larger daily chat allowance", async () => {
    vi.useFakeTimers({ toFake: ["Date"] }); // a window boundary mid-test would reset the count
    await setup();
    const store = await records();
    await store.create("Users", [{ "Healing Name": "Ash", Plan: "free" }]);
    await deliver(checkout());
    await settleBackground();
    const send = (name: string, i: number) =>
      chat(postJson("/api/chat", { message: `hello ${i}`, healingName: name }, { "x-forwarded-for": `198.51.100.${i}` }));
    const free: number[] = [];
    const member: number[] = [];
    for (let i = 0; i < 22; i++) {
      free.push((await send("Ash", i)).status);
      member.push((await send("River", i)).status);
    }
    expect(free.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(free[20]).toBe(429);
    expect(member.every((s) => s === 200)).toBe(true);
  });
});

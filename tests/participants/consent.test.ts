// Consent is monotonic in time: whatever order the intake, the chat choice and a billing event
// arrive in, Users and the kv consent cache end with the newest decision; and a reflection from a
// participant who withdrew consent is recorded without its text.
import { describe, expect, it, vi } from "vitest";
import { POST as billing } from "../../api/billing/webhook.js";
import { POST as chat } from "../../api/chat.js";
import { GET as drainCron } from "../../api/cron/drain.js";
import { POST as intake } from "../../api/intake/typeform.js";
import { POST as reflection } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { kv } from "../../lib/platform/kv/index.js";
import { cachedConsent } from "../../lib/participants/consent.js";
import { records } from "../../lib/platform/records/index.js";
import { get, postJson } from "../support/http.js";
import { signedStripe, stripeEvent, STRIPE_WEBHOOK_SECRET } from "../support/stripe.js";
import { intakePayload, signedIntake, TYPEFORM_SECRET } from "../support/typeform.js";
import { useEnv } from "../support/env.js";

const CHAT_AT = "2026-11-21T10:00:00.000Z";
type Arrival = "intake" | "chat" | "billing";
const ORDERS: Arrival[][] = [
  ["intake", "chat", "billing"],
  ["intake", "billing", "chat"],
  ["chat", "intake", "billing"],
  ["chat", "billing", "intake"],
  ["billing", "intake", "chat"],
  ["billing", "chat", "intake"],
];

async function settle() {
  await settleBackground();
  await drainCron(get("/api/cron/drain"));
  await settleBackground();
}

async function arrive(what: Arrival, intakeSubmittedAt: string) {
  if (what === "intake") {
    const body = intakePayload();
    body.form_response.submitted_at = intakeSubmittedAt;
    expect((await intake(signedIntake(JSON.stringify(body)))).status).toBe(200);
  } else if (what === "chat") {
    expect((await chat(postJson("/api/chat", { message: "hello", healingName: "River", consent: false }))).status).toBe(200);
  } else {
    const event = stripeEvent("checkout.session.completed", {
      client_reference_id: "River",
      customer: "cus_river",
      subscription: "sub_river",
      payment_status: "paid",
    });
    expect((await billing(signedStripe(JSON.stringify(event)))).status).toBe(200);
  }
  await settle();
}

function configure() {
  useEnv({ TYPEFORM_WEBHOOK_SECRET: TYPEFORM_SECRET, STRIPE_WEBHOOK_SECRET: STRIPE_WEBHOOK_SECRET });
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(CHAT_AT));
}

describe("consent is monotonic in time", () => {
  it.each(ORDERS)("an intake submitted before a withdrawal in chat never re-enables consent (%s, %s, %s)", async (...order) => {
    configure();
    for (const what of order) await arrive(what, "2026-11-20T10:00:00Z");
    const users = await (await records()).list("Users");
    expect(users).toHaveLength(1);
    expect(users[0]!.fields["Consent to Data Storage"]).toBeUndefined(); // false: an empty checkbox
    expect(users[0]!.fields["Consent Updated At"]).toBe(CHAT_AT);
    expect(await cachedConsent(await kv(), "River")).toEqual({ consent: false, at: CHAT_AT });
  });

  it.each(ORDERS)("an intake submitted after the chat choice wins (%s, %s, %s)", async (...order) => {
    configure();
    for (const what of order) await arrive(what, "2026-11-22T10:00:00.000Z");
    const [user] = await (await records()).list("Users");
    expect(user!.fields).toMatchObject({ "Consent to Data Storage": true, "Consent Updated At": "2026-11-22T10:00:00.000Z" });
    expect(await cachedConsent(await kv(), "River")).toEqual({ consent: true, at: "2026-11-22T10:00:00.000Z" });
    // Billing still did its part, whichever came first.
    if (order.indexOf("billing") > order.indexOf("intake") || order.indexOf("billing") > order.indexOf("chat")) {
      expect(user!.fields["Stripe Customer ID"]).toBe("cus_river");
    }
  });
});

describe("reflections and consent", () => {
  it("records a reflection without its text once the participant has withdrawn consent", async () => {
    await chat(postJson("/api/chat", { message: "hello", healingName: "River", consent: false }));
    await settle();
    const response = await reflection(
      postJson("/api/reflection", {
        healingName: "River",
        reflection: "a quiet secret day",
        milestone: "Day 7",
        submissionId: "no-consent-1",
      }),
    );
    expect(response.status).toBe(201);
    const [row] = await (await records()).list("Reflections");
    expect(row!.fields).toMatchObject({ "Submission ID": "no-consent-1", Milestone: "Day 7", "Healing Name": "River" });
    expect(row!.fields["Reflection Text"]).toBeUndefined();
  });

  it("keeps the text with consent, and when the participant never said (submitting the form is the request to keep it)", async () => {
    await chat(postJson("/api/chat", { message: "hello", healingName: "River", consent: true }));
    await settle();
    await reflection(postJson("/api/reflection", { healingName: "River", reflection: "slept well", submissionId: "with-consent-1" }));
    await reflection(postJson("/api/reflection", { healingName: "Willow", reflection: "slept well too", submissionId: "never-said-1" }));
    const rows = await (await records()).list("Reflections");
    expect(rows.map((r) => [r.fields["Healing Name"], r.fields["Reflection Text"]])).toEqual([
      ["River", "slept well"],
      ["Willow", "slept well too"],
    ]);
  });
});

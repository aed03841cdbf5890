// The fault suite: on the production stack (Airtable, Upstash, OpenAI, Mailchimp, Stripe API, all
// emulated), each backend is killed in turn (the connection fails) and every endpoint is called.
// No answer may be a 500; a 503 only where the provider or client retries it; the crisis answers
// are exactly what they are with every backend up; and once the backend is back (and the
// providers have retried their 503s), the drain leaves nothing lost.
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { POST as billing } from "../../api/billing/webhook.js";
import { POST as chat } from "../../api/chat.js";
import { GET as crisisResources, POST as crisis } from "../../api/crisis.js";
import { GET as drainCron } from "../../api/cron/drain.js";
import { GET as health } from "../../api/health.js";
import { POST as intake } from "../../api/intake/typeform.js";
import { POST as reflection } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { drainOutbox } from "../../lib/delivery/drain.js";
import {
  participantFrom,
  signedStripeRequest,
  signedTypeformRequest,
  stripeTestEvent,
  typeformTestIntake,
} from "../../scripts/local-events.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { get, postJson } from "../support/http.js";
import { mailchimpEmulator, TEST_MAILCHIMP_URL, useMailchimpEnv } from "../support/mailchimp-emulator.js";
import { server } from "../support/msw.js";
import { openAiEmulator, TEST_OPENAI_URL } from "../support/openai-emulator.js";
import { STRIPE_WEBHOOK_SECRET, stripeApiEmulator, TEST_STRIPE_API } from "../support/stripe.js";
import { TEST_UPSTASH_TOKEN, TEST_UPSTASH_URL, upstashEmulator } from "../support/upstash-emulator.js";
import { useEnv } from "../support/env.js";

const BACKENDS = {
  records: ["https://api.airtable.com/*"],
  kv: [TEST_UPSTASH_URL, `${TEST_UPSTASH_URL}/*`],
  openai: [`${TEST_OPENAI_URL}/*`],
  mailchimp: [`${TEST_MAILCHIMP_URL}/*`],
  "stripe api": [`${TEST_STRIPE_API}/*`],
} as const;
type Backend = keyof typeof BACKENDS;
const TYPEFORM_SECRET = "typeform-fault-secret";

function productionStack() {
  const dead = new Set<Backend>();
  // Placed before the emulators: while a backend is dead its connections fail; otherwise the
  // request falls through to the emulator.
  const killSwitches = Object.entries(BACKENDS).flatMap(([name, urls]) =>
    urls.map((url) => http.all(url, () => (dead.has(name as Backend) ? HttpResponse.error() : undefined))),
  );
  const airtable = airtableEmulator();
  airtable.seedFromSchema();
  const upstash = upstashEmulator();
  const mailchimp = mailchimpEmulator();
  const openai = openAiEmulator();
  const stripeApi = stripeApiEmulator({ sub_test_river: "active" });
  server.use(...killSwitches, ...airtable.handlers, ...upstash.handlers, ...mailchimp.handlers, ...openai.handlers, ...stripeApi.handlers);
  useEnv({
    AIRTABLE_API_KEY: TEST_TOKEN,
    AIRTABLE_BASE_ID: TEST_BASE_ID,
    UPSTASH_REDIS_REST_URL: TEST_UPSTASH_URL,
    UPSTASH_REDIS_REST_TOKEN: TEST_UPSTASH_TOKEN,
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: TEST_OPENAI_URL,
    OPENAI_MAX_RETRIES: "0",
    STRIPE_WEBHOOK_SECRET,
    STRIPE_SECRET_KEY: "sk_test_faults",
    STRIPE_API_BASE_URL: TEST_STRIPE_API,
    TYPEFORM_WEBHOOK_SECRET: TYPEFORM_SECRET,
    REFLECTION_WRITE_BUDGET_MS: "500",
    // Every hard stop here must reach the records, repeats included: that is what is checked.
    CRISIS_REPEAT_WINDOW_MINUTES: "0",
  });
  useMailchimpEnv();
  return { dead, airtable, mailchimp };
}

const river = participantFrom({ name: "River" });
const CRISIS_MESSAGE = { message: "I want to kill myself tonight, I have the pills", country: "GB" };

/** The crisis answers with every backend up: what a person at risk must get whatever is down. */
async function crisisAnswers() {
  const post = await crisis(postJson("/api/crisis", CRISIS_MESSAGE));
  const resources = await crisisResources(get("/api/crisis?country=GB"));
  const inChat = await chat(postJson("/api/chat", { ...CRISIS_MESSAGE, healingName: "River" }));
  const chatBody = (await inChat.json()) as Record<string, unknown>;
  return {
    statuses: [post.status, resources.status, inChat.status],
    post: await post.json(),
    resources: await resources.json(),
    chat: { response: chatBody.response, safety: chatBody.safety, model: chatBody.model },
  };
}

describe.each(Object.keys(BACKENDS) as Backend[])("with %s down", (backend) => {
  it("answers every endpoint without a 500, keeps the crisis answers, and loses no write", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { dead, airtable, mailchimp } = productionStack();
    const baseline = await crisisAnswers();
    expect(baseline.statuses).toEqual([200, 200, 200]);
    await settleBackground();

    dead.add(backend);
    const intakeRaw = typeformTestIntake(river);
    const checkout = stripeTestEvent("checkout.session.completed", river);
    const deliveries = {
      intake: () => intake(signedTypeformRequest("http://localhost", intakeRaw, TYPEFORM_SECRET)),
      reflection: () =>
        reflection(
          postJson("/api/reflection", {
            healingName: "River",
            reflection: "a steady week",
            milestone: "Day 7",
            submissionId: `fault-${backend.replace(" ", "-")}-01`,
          }),
        ),
      billing: () => billing(signedStripeRequest("http://localhost", checkout, STRIPE_WEBHOOK_SECRET)),
    };
    const statuses: Record<string, number> = {};
    for (const [name, send] of Object.entries(deliveries)) statuses[name] = (await send()).status;
    statuses.chat = (await chat(postJson("/api/chat", { message: "a calm morning", healingName: "River", consent: true }))).status;
    statuses.health = (await health(get("/api/health"))).status;
    statuses.deep = (await health(get("/api/health?deep=1"))).status;
    statuses.drain = (await drainCron(get("/api/cron/drain"))).status;
    const during = await crisisAnswers();
    await settleBackground();

    // No 500 anywhere; 503 only where the caller retries it, and only for a required backend.
    for (const [name, status] of Object.entries(statuses)) expect([name, status < 500 || status === 503]).toEqual([name, true]);
    const required = backend === "records" || backend === "kv";
    expect(statuses.deep).toBe(required ? 503 : 200);
    // Records down: queued in kv (202). Kv down: the milestone journey cannot be queued, so nothing is saved (503, retried below).
    expect(statuses.reflection).toBe(backend === "records" ? 202 : backend === "kv" ? 503 : 201);
    expect(statuses.chat).toBe(200);
    expect(during).toEqual(baseline);

    // The backend comes back; providers retry what answered 503; the drain catches up.
    dead.delete(backend);
    for (const [name, send] of Object.entries(deliveries)) if (statuses[name] === 503) expect((await send()).status).toBeLessThan(300);
    await settleBackground();
    for (let round = 0; round < 8; round++) {
      vi.advanceTimersByTime(30 * 60_000);
      await drainOutbox({ limit: 200 });
    }

    const user = airtable.rows("Users").find((row) => row.fields["Healing Name"] === "River")!.fields;
    expect(user).toMatchObject({
      Email: river.email,
      Plan: "member",
      "Subscription Status": "active",
      "Stripe Customer ID": river.customer,
    });
    expect(airtable.rows("Reflections").map((row) => row.fields["Submission ID"])).toContain(`fault-${backend.replace(" ", "-")}-01`);
    expect(airtable.rows("Crisis Events").length).toBeGreaterThanOrEqual(4);
    const member = mailchimp.member(river.email);
    expect(member?.tags).toEqual(expect.arrayContaining(["intake-completed", "member", "reflection-day-7"]));
  });
});

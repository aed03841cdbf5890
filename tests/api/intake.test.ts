import { describe, expect, it } from "vitest";
import { POST } from "../../api/intake/typeform.js";
import { GET as drainCron } from "../../api/cron/drain.js";
import { settleBackground } from "../../lib/platform/background.js";
import { journeyLog } from "../../lib/journeys/journeys.js";
import { kv, setKvForTesting } from "../../lib/platform/kv/index.js";
import { doneSteps, pendingSteps } from "../../lib/platform/outbox/outbox.js";
import { records } from "../../lib/platform/records/index.js";
import { brokenKv } from "../support/broken.js";
import { get } from "../support/http.js";
import { mailchimpEmulator, useMailchimpEnv } from "../support/mailchimp-emulator.js";
import { server } from "../support/msw.js";
import { kvRows } from "../support/stores.js";
import { intakePayload, signedIntake, TYPEFORM_SECRET, typeformSignature } from "../support/typeform.js";
import { useEnv } from "../support/env.js";

function configure(options: { mailchimp?: boolean; trigger?: boolean } = {}) {
  useEnv({ TYPEFORM_WEBHOOK_SECRET: TYPEFORM_SECRET });
  if (options.trigger) {
    useEnv({
      JOURNEYS_CONFIG: JSON.stringify({
        "intake.completed": { mergeFields: { HNAME: "healingName" }, addTags: ["intake-completed"], trigger: { journeyId: 7, stepId: 42 } },
      }),
    });
  }
  let emulator: ReturnType<typeof mailchimpEmulator> | undefined;
  if (options.mailchimp) {
    useMailchimpEnv();
    emulator = mailchimpEmulator();
    server.use(...emulator.handlers);
  }
  return emulator;
}

async function deliver(body: unknown = intakePayload()) {
  const response = await POST(signedIntake(JSON.stringify(body)));
  return { status: response.status, body: await response.json() };
}

async function nothingWritten() {
  await settleBackground();
  expect(await (await records()).list("Users")).toEqual([]);
  expect(kvRows()).toEqual([]);
}

describe("POST /api/intake/typeform", () => {
  it("accepts a signed submission: Users upserted by email, consent, goals, and the intake journey (journey log without Mailchimp)", async () => {
    configure();
    const { status, body } = await deliver();
    expect(status).toBe(200);
    expect(body).toEqual({ status: "accepted" });
    await settleBackground();
    const [user] = await (await records()).list("Users");
    expect(user!.fields).toMatchObject({
      "Healing Name": "River",
      Email: "river@example.org",
      "Consent to Data Storage": true,
      "Consent Updated At": "2026-11-20T10:00:00Z",
      "Healing Goals": "Better sleep, More energy",
      "Experience with Fasting": "Some",
    });
    const log = await journeyLog(await kv());
    expect(log.map((e) => [e.event, e.action])).toEqual([
      ["intake.completed", "member"],
      ["intake.completed", "tags"],
    ]);
    expect(log[0]).toMatchObject({ email: "river@example.org", mergeFields: { HNAME: "River" } });
  });

  it("reads the Healing Name from a hidden field", async () => {
    configure();
    await deliver(intakePayload({ healingName: null, hidden: { healing_name: "Willow" } }));
    await settleBackground();
    expect((await (await records()).list("Users"))[0]!.fields["Healing Name"]).toBe("Willow");
  });

  it("adopts a Users record that only held the Healing Name instead of duplicating it", async () => {
    configure();
    const store = await records();
    const [early] = await store.create("Users", [{ "Healing Name": "River" }]);
    await deliver();
    await settleBackground();
    const users = await store.list("Users");
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: early!.id, fields: { Email: "river@example.org" } });
  });

  it.each([
    ["a missing header", (raw: string) => new Request("http://localhost/api/intake/typeform", { method: "POST", body: raw })],
    ["a wrong secret", (raw: string) => signedIntake(raw, "not-the-secret")],
    [
      "a body changed by one byte",
      (raw: string) =>
        new Request("http://localhost/api/intake/typeform", {
          method: "POST",
          headers: { "typeform-signature": typeformSignature(raw) },
          body: raw.replace('"River"', '"Rivet"'),
        }),
    ],
  ])("refuses %s with 401 and writes nothing", async (_name, build) => {
    configure();
    const response = await POST(build(JSON.stringify(intakePayload())));
    expect(response.status).toBe(401);
    await nothingWritten();
  });

  it("applies the same submission delivered 3 times concurrently once: one Users record, one upsert, one trigger", async () => {
    const mailchimp = configure({ mailchimp: true, trigger: true })!;
    const raw = JSON.stringify(intakePayload());
    const results = await Promise.all([1, 2, 3].map(() => POST(signedIntake(raw))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await settleBackground();
    await drainCron(get("/api/cron/drain"));
    expect(await (await records()).list("Users")).toHaveLength(1);
    expect(mailchimp.upserts).toEqual([
      { email_address: "river@example.org", status_if_new: "subscribed", merge_fields: { HNAME: "River" } },
    ]);
    expect(mailchimp.tagCalls).toHaveLength(1);
    expect(mailchimp.triggers).toEqual([{ journeyId: "7", stepId: "42", email: "river@example.org" }]);
  });

  it.each([
    ["answers 500", (m: ReturnType<typeof mailchimpEmulator>) => m.fail(100, 500), {}],
    ["times out", (m: ReturnType<typeof mailchimpEmulator>) => m.slow(1500), { MAILCHIMP_TIMEOUT_MS: "1000" }],
  ])(
    "answers Typeform 200 while Mailchimp %s, keeps the step pending, and sends it once after recovery",
    async (_name, breakIt, env) => {
      useEnv(env);
      const mailchimp = configure({ mailchimp: true })!;
      breakIt(mailchimp);
      const { status } = await deliver();
      expect(status).toBe(200);
      await settleBackground();
      const pending = await pendingSteps(await kv());
      expect(pending.map((s) => s.kind)).toEqual(expect.arrayContaining(["mailchimp.member"]));
      expect(mailchimp.upserts).toHaveLength(0);

      mailchimp.fail(0);
      mailchimp.slow(0);
      const store = await kv();
      for (const step of await pendingSteps(store)) await store.zadd("outbox:due", step.id, 0); // skip the backoff wait
      await drainCron(get("/api/cron/drain"));
      await drainCron(get("/api/cron/drain"));
      await drainCron(get("/api/cron/drain"));
      expect(mailchimp.upserts).toHaveLength(1);
      expect(mailchimp.tagCalls).toHaveLength(1);
      expect(await pendingSteps(store)).toEqual([]);
    },
    30_000,
  );

  it("records a member in compliance state as a final outcome and does not retry", async () => {
    const mailchimp = configure({ mailchimp: true })!;
    mailchimp.unsubscribe("river@example.org");
    await deliver();
    await settleBackground();
    const done = await doneSteps(await kv());
    expect(done.find((s) => s.kind === "mailchimp.member")).toMatchObject({
      status: "done",
      outcome: expect.stringContaining("Compliance State"),
    });
    expect(await pendingSteps(await kv())).toEqual([]);
  });

  it("records a submission without a usable email as rejected, answers 200, and the operator can see it", async () => {
    configure();
    const { status, body } = await deliver(intakePayload({ email: null, token: "tok-noemail" }));
    expect(status).toBe(200);
    expect(body).toEqual({ status: "rejected", reason: "no usable email" });
    await settleBackground();
    const store = await records();
    expect(await store.list("Users")).toEqual([]);
    expect((await store.list("Intake Rejections"))[0]!.fields).toMatchObject({
      Token: "tok-noemail",
      Reason: "no usable email",
      "Form ID": "FORM1",
    });
  });

  it("answers 503 — never 404 or 410 — when kv is unreachable, so Typeform retries", async () => {
    configure();
    setKvForTesting(brokenKv());
    const { status } = await deliver();
    expect(status).toBe(503);
  });

  it("ignores other event types with 200", async () => {
    configure();
    const { status, body } = await deliver({ event_id: "x", event_type: "form_partial", form_response: { token: "t" } });
    expect(status).toBe(200);
    expect(body.status).toBe("ignored");
  });

  it.each([
    ["a bad signature", () => POST(signedIntake(JSON.stringify(intakePayload()), "wrong-secret"))],
    ["malformed JSON", () => POST(signedIntake("{not json"))],
    ["a 2 MB body", () => POST(signedIntake(JSON.stringify({ pad: "x".repeat(2 * 1024 * 1024) })))],
    [
      "a duplicate",
      async () => (await POST(signedIntake(JSON.stringify(intakePayload())))) && POST(signedIntake(JSON.stringify(intakePayload()))),
    ],
    ["no form_response", () => POST(signedIntake(JSON.stringify({ event_type: "form_response" })))],
  ])("never answers 404 or 410 (%s)", async (_name, send) => {
    configure();
    const response = await send();
    expect([404, 410]).not.toContain(response.status);
    expect(response.status).toBeLessThan(500);
  });
});

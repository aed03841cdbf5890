import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { POST as intake } from "../../api/intake/typeform.js";
import { drainOutbox } from "../../lib/delivery/drain.js";
import { getStep } from "../../lib/platform/outbox/outbox.js";
import { intakePayload, signedIntake } from "../support/typeform.js";
import { POST as reflection } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { DEFAULT_JOURNEYS, emitJourneyEvent, journeyLog, journeyTable, slug } from "../../lib/journeys/journeys.js";
import { hashKey, kv } from "../../lib/platform/kv/index.js";
import { subscriberHash, upsertMember } from "../../lib/vendors/mailchimp/mailchimp.js";
import { records } from "../../lib/platform/records/index.js";
import { registerTypeformWebhook } from "../../lib/vendors/typeform/setup.js";
import { activeBackends } from "../../lib/health/health.js";
import { postJson } from "../support/http.js";
import { mailchimpEmulator, useMailchimpEnv } from "../support/mailchimp-emulator.js";
import { server } from "../support/msw.js";
import { useEnv } from "../support/env.js";

describe("journeys", () => {
  it("tags reflection-day-7 once, even when a Day 7 reflection is submitted twice", async () => {
    useMailchimpEnv();
    const mailchimp = mailchimpEmulator();
    server.use(...mailchimp.handlers);
    await (await records()).create("Users", [{ "Healing Name": "River", "Name Key": "river", Email: "river@example.org" }]);
    for (const text of ["Day 7 felt steady", "Day 7, second thoughts"]) {
      expect((await reflection(postJson("/api/reflection", { healingName: "River", reflection: text, milestone: "Day 7" }))).status).toBe(
        201,
      );
    }
    await settleBackground();
    expect(mailchimp.tagCalls).toEqual([
      { hash: subscriberHash("river@example.org"), tags: [{ name: "reflection-day-7", status: "active" }] },
    ]);
    expect(mailchimp.upserts).toHaveLength(1);
  });

  it("waits for the intake when a milestone fires before any email is on file, then sends to it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    expect(
      (await reflection(postJson("/api/reflection", { healingName: "River", reflection: "early entry", milestone: "Day 1" }))).status,
    ).toBe(201);
    await settleBackground();
    await drainOutbox();
    const memberStep = () => getStep(kvStore, `journey:${hashKey("name:river")}:reflection.milestone:day-1:member`);
    const kvStore = await kv();
    expect(await memberStep()).toMatchObject({ status: "pending", lastError: "NotReadyYet: NOT_READY" });
    expect(await journeyLog(kvStore)).toEqual([]);

    // The intake arrives an hour later; the next drains send the milestone to its email.
    vi.advanceTimersByTime(3_600_000);
    expect((await intake(signedIntake(JSON.stringify(intakePayload({ email: "river@example.org" }))))).status).toBe(200);
    await settleBackground();
    vi.advanceTimersByTime(3_600_000);
    for (let i = 0; i < 3; i++) {
      await drainOutbox();
      vi.advanceTimersByTime(10_000);
    }
    expect(await memberStep()).toMatchObject({ status: "done" });
    expect((await journeyLog(kvStore)).filter((e) => e.event === "reflection.milestone")).toEqual([
      expect.objectContaining({ action: "member", email: "river@example.org" }),
      expect.objectContaining({ action: "tags", email: "river@example.org", addTags: ["reflection-day-1"] }),
    ]);
  });

  it("stops waiting for an email after 7 days, with an outcome for the operator", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    await emitJourneyEvent(await kv(), { event: "reflection.milestone", key: "day-1", healingName: "Nobody", milestone: "Day 1" });
    const id = `journey:${hashKey("name:nobody")}:reflection.milestone:day-1:member`;
    await drainOutbox();
    expect(await getStep(await kv(), id)).toMatchObject({ status: "pending" });
    vi.advanceTimersByTime(7 * 86_400_000 + 1000);
    await drainOutbox();
    expect(await getStep(await kv(), id)).toMatchObject({ status: "done", outcome: expect.stringContaining("after 7 days") });
  });

  it("applies an event at most once per participant and event key", async () => {
    const store = await kv();
    const first = await emitJourneyEvent(store, { event: "subscription.active", key: "sub_1", email: "a@example.org", healingName: "A" });
    const again = await emitJourneyEvent(store, { event: "subscription.active", key: "sub_1", email: "A@Example.org", healingName: "A" });
    const other = await emitJourneyEvent(store, { event: "subscription.active", key: "sub_2", email: "a@example.org", healingName: "A" });
    expect([first, again, other]).toEqual([true, false, true]);
  });

  it("reads overrides from JOURNEYS_CONFIG and keeps the defaults for other events", () => {
    useEnv({ JOURNEYS_CONFIG: JSON.stringify({ "intake.completed": { addTags: ["welcome"], trigger: { journeyId: 1, stepId: 2 } } }) });
    expect(journeyTable()["intake.completed"]).toEqual({
      mergeFields: {},
      addTags: ["welcome"],
      removeTags: [],
      trigger: { journeyId: 1, stepId: 2 },
    });
    expect(journeyTable()["subscription.canceled"]).toEqual(DEFAULT_JOURNEYS["subscription.canceled"]);
  });

  it("names the variable when JOURNEYS_CONFIG is invalid", () => {
    useEnv({ JOURNEYS_CONFIG: JSON.stringify({ "intake.completed": { addTags: "welcome" } }) });
    expect(() => journeyTable()).toThrow(/JOURNEYS_CONFIG/);
  });

  it("slugs milestones for tags", () => {
    expect(slug("Day 7")).toBe("day-7");
    expect(slug("  Día 30! ")).toBe("dia-30");
  });
});

describe("lib/mailchimp", () => {
  it("keeps at most 10 calls in flight", async () => {
    useMailchimpEnv();
    const mailchimp = mailchimpEmulator();
    mailchimp.slow(50);
    server.use(...mailchimp.handlers);
    await Promise.all(Array.from({ length: 25 }, (_, i) => upsertMember({ email: `p${i}@example.org`, mergeFields: {} })));
    expect(mailchimp.upserts).toHaveLength(25);
    expect(mailchimp.maxActive).toBeLessThanOrEqual(10);
    expect(mailchimp.maxActive).toBeGreaterThan(1);
  });

  it("hashes the lower-cased email", () => {
    expect(subscriberHash(" River@Example.org ")).toBe(subscriberHash("river@example.org"));
  });

  it("shows in /api/health whether Mailchimp or the journey log is active", () => {
    expect(activeBackends().backends.mailchimp).toBe("journey-log");
    useMailchimpEnv();
    expect(activeBackends().backends.mailchimp).toBe("mailchimp");
  });
});

describe("npm run typeform:webhook", () => {
  it("creates the webhook enabled and signed, then updates it on a second run", async () => {
    const hooks = new Map<string, Record<string, unknown>>();
    const calls: string[] = [];
    server.use(
      http.get("https://typeform-api.test/forms/:uid/webhooks", ({ request }) => {
        calls.push(`GET ${request.headers.get("authorization")}`);
        return HttpResponse.json({ items: [...hooks.values()] });
      }),
      http.put("https://typeform-api.test/forms/:uid/webhooks/:tag", async ({ params, request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        calls.push(`PUT ${params.uid}/${params.tag}`);
        hooks.set(String(params.tag), { ...body, tag: params.tag, form_id: params.uid });
        return HttpResponse.json(hooks.get(String(params.tag)));
      }),
    );
    useEnv({
      TYPEFORM_TOKEN: "tfp_test",
      TYPEFORM_FORM_ID: "FORM1",
      TYPEFORM_WEBHOOK_SECRET: "a-typeform-secret",
      PUBLIC_BASE_URL: "https://healing.example.org/",
      TYPEFORM_API_BASE_URL: "https://typeform-api.test",
    });
    const printed: string[] = [];
    expect(await registerTypeformWebhook((line) => void printed.push(line))).toBe("created");
    expect(hooks.get("healing-companion")).toMatchObject({
      url: "https://healing.example.org/api/intake/typeform",
      enabled: true,
      secret: "a-typeform-secret",
    });
    expect(await registerTypeformWebhook((line) => void printed.push(line))).toBe("updated");
    expect(calls[0]).toBe("GET bearer tfp_test");
    expect(printed[1]).toMatch(/^Updated webhook "healing-companion" on form FORM1/);
  });
});

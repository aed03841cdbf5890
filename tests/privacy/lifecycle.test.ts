// The acceptance test of issue 10: one participant with data in every store — records (Users,
// Reflections, Crisis Events), kv (conversation turns, consent and other caches, journey markers,
// outbox payloads) and Mailchimp (member and tags) — exported (every piece present), erased with
// Mailchimp failing at first, drained until done, and then no trace of the name, email or any text
// in any store: the SQLite files and their WAL byte by byte, or the emulated Airtable and Upstash.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { POST as billing } from "../../api/billing/webhook.js";
import { POST as chat } from "../../api/chat.js";
import { GET as drainCron } from "../../api/cron/drain.js";
import { POST as intake } from "../../api/intake/typeform.js";
import { GET as whoami } from "../../api/participant.js";
import { POST as exportRoute } from "../../api/privacy/export.js";
import { POST as eraseRoute } from "../../api/privacy/erase.js";
import { POST as reflection } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { kv } from "../../lib/platform/kv/index.js";
import { getStep } from "../../lib/platform/outbox/outbox.js";
import { issueLink } from "../../lib/participants/credentials.js";
import { records, withPaceWait } from "../../lib/platform/records/index.js";
import { airtableEmulator } from "../support/airtable-emulator.js";
import { get, postJson } from "../support/http.js";
import { capturedLogs } from "../support/logs.js";
import { mailchimpEmulator, useMailchimpEnv } from "../support/mailchimp-emulator.js";
import { server } from "../support/msw.js";
import { useVendorStores } from "../support/stack.js";
import { signedStripe, stripeEvent, STRIPE_WEBHOOK_SECRET } from "../support/stripe.js";
import { intakePayload, signedIntake, TYPEFORM_SECRET } from "../support/typeform.js";
import { upstashEmulator } from "../support/upstash-emulator.js";
import { testDataDir, useEnv } from "../support/env.js";

const ADMIN = "privacy-admin-token-0123456789";
const auth = { authorization: `Bearer ${ADMIN}` };
const TEXTS = ["lake house by the pines", "garden is blooming quietly", "Better sleep", "kill myself tonight"];
const NAME = "River";
const EMAIL = "river@example.org";

function configure(stack: "embedded" | "vendors") {
  useEnv({ TYPEFORM_WEBHOOK_SECRET: TYPEFORM_SECRET, STRIPE_WEBHOOK_SECRET, PRIVACY_ADMIN_TOKEN: ADMIN });
  useMailchimpEnv();
  const mailchimp = mailchimpEmulator();
  server.use(...mailchimp.handlers);
  let vendors: { airtable: ReturnType<typeof airtableEmulator>; upstash: ReturnType<typeof upstashEmulator> } | undefined;
  if (stack === "vendors") {
    vendors = useVendorStores();
  }
  return { mailchimp, vendors };
}

/** Drain a few times; steps waiting on another step look again 5 s later (the test's clock). */
async function drainAll() {
  await settleBackground();
  for (let i = 0; i < 4; i++) {
    await drainCron(get("/api/cron/drain"));
    vi.advanceTimersByTime(6_000);
  }
  await settleBackground();
}

/** Every byte the stack holds: the SQLite files and their WAL, or the emulated vendors' contents. */
function everything(vendors: ReturnType<typeof configure>["vendors"]): string {
  if (vendors) {
    const tables = ["Users", "Reflections", "Crisis Events", "Intake Rejections", "Privacy Requests"].map((t) =>
      JSON.stringify(vendors.airtable.rows(t)),
    );
    return [...tables, vendors.upstash.dump()].join("\n");
  }
  const dir = testDataDir();
  const files = ["records.db", "records.db-wal", "kv.db", "kv.db-wal"].map((f) => path.join(dir, f)).filter(existsSync);
  expect(files.length).toBeGreaterThanOrEqual(2);
  return files.map((f) => readFileSync(f).toString("latin1")).join("\n");
}

async function exportOf(body: Record<string, string>) {
  const response = await exportRoute(postJson("/api/privacy/export", body, auth));
  expect(response.status).toBe(200);
  return (await response.json()) as { empty: boolean; parts: { source: string; backend: string; items: unknown[] }[] };
}

describe.each(["embedded", "vendors"] as const)("privacy: export and erasure (%s stores)", (stack) => {
  it("exports every piece, erases it through the outbox despite a Mailchimp outage, and leaves no trace", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { mailchimp, vendors } = configure(stack);

    // One participant with data in every store.
    await intake(signedIntake(JSON.stringify(intakePayload({ token: "tok-river", healingName: NAME, email: EMAIL }))));
    await drainAll();
    const first = await (
      await chat(postJson("/api/chat", { message: `We spent the weekend at the ${TEXTS[0]}`, healingName: NAME, consent: true }))
    ).json();
    await chat(
      postJson("/api/chat", {
        message: "I want to kill myself tonight, I have the pills",
        healingName: NAME,
        consent: true,
        conversationId: first.conversationId,
      }),
    );
    await billing(
      signedStripe(
        JSON.stringify(
          stripeEvent("checkout.session.completed", {
            client_reference_id: NAME,
            customer: "cus_A1",
            subscription: "sub_A1",
            payment_status: "paid",
          }),
        ),
      ),
    );
    await drainAll();
    mailchimp.fail(1, 503); // the milestone journey waits in the outbox, carrying the name
    expect(
      (
        await reflection(
          postJson("/api/reflection", {
            healingName: NAME,
            reflection: `The ${TEXTS[1]}`,
            milestone: "Day 7",
            submissionId: "river-day-7",
          }),
        )
      ).status,
    ).toBe(201);
    await drainAll();
    expect(mailchimp.member(EMAIL)!.tags).toContain("member");

    // Export: every piece, labelled with its source.
    const exported = await exportOf({ healingName: "river" });
    const part = (source: string) => exported.parts.find((p) => p.source.startsWith(source))!.items;
    expect(exported.empty).toBe(false);
    expect(part("records:Users")).toEqual([
      expect.objectContaining({
        fields: expect.objectContaining({
          "Healing Name": NAME,
          Email: EMAIL,
          "Healing Goals": "Better sleep, More energy",
          "Stripe Customer ID": "cus_A1",
        }),
      }),
    ]);
    expect(part("records:Reflections")).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ "Reflection Text": `The ${TEXTS[1]}` }) }),
    ]);
    expect(part("records:Crisis Events")).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ Level: "imminent", "Healing Name": NAME }) }),
    ]);
    const conversations = part("kv:conversations") as { turns: { content: string }[] }[];
    expect(conversations[0]!.turns.map((t) => t.content)).toContain(`We spent the weekend at the ${TEXTS[0]}`);
    expect(JSON.stringify(part("kv:caches"))).toContain("consent");
    expect(part("kv:journey markers").length).toBeGreaterThanOrEqual(3);
    expect(part("kv:outbox steps").length).toBeGreaterThan(0);
    expect(part("mailchimp:member")).toEqual([
      expect.objectContaining({ email_address: EMAIL, merge_fields: expect.objectContaining({ HNAME: NAME }) }),
    ]);
    expect(part("mailchimp:tags")).toEqual(expect.arrayContaining(["intake-completed", "member"]));
    expect(exported.parts.find((p) => p.source === "records:Users")!.backend).toBe(stack === "vendors" ? "airtable" : "sqlite");

    // A personal link that signs River in (and is cached as checked) before the erasure.
    const link = (await withPaceWait(10_000, async () => issueLink({ records: await records(), kv: await kv() }, { healingName: NAME })))!;
    const signedIn = await withPaceWait(10_000, () => whoami(get("/api/participant", { authorization: `Bearer ${link.token}` })));
    expect(signedIn.status, await signedIn.clone().text()).toBe(200);

    // Erasure, with Mailchimp down at first.
    mailchimp.fail(2, 503);
    const erased = await eraseRoute(postJson("/api/privacy/erase", { healingName: NAME }, auth));
    expect(erased.status).toBe(202);
    const { requestId } = await erased.json();
    await drainAll();
    const mailchimpStep = await getStep(await kv(), `privacy:${requestId}:mailchimp`);
    expect(mailchimpStep).toMatchObject({ status: "pending" });
    expect(mailchimpStep!.attempts).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 8 && (await getStep(await kv(), `privacy:${requestId}:finish`))?.status !== "done"; i++) {
      vi.advanceTimersByTime(10 * 60_000);
      await drainAll();
    }
    expect(await getStep(await kv(), `privacy:${requestId}:finish`)).toMatchObject({ status: "done" });
    expect(mailchimp.member(EMAIL)).toBeUndefined();
    expect(mailchimp.deletions).toHaveLength(1);

    // The audit trail: complete, every step done, nothing personal.
    const [row] = await withPaceWait(10_000, async () => (await records()).find("Privacy Requests", { "Request ID": requestId }));
    expect(row!.fields).toMatchObject({ Type: "erasure", "Requested By": "api", Status: "complete" });
    expect(row!.fields["Completed At"]).toEqual(expect.any(String));
    expect(String(row!.fields.Steps).split("\n")).toEqual(["outbox: done", "kv: done", "records: done", "mailchimp: done", "finish: done"]);

    // Every earlier personal link is refused at once (not after the check's cache expires).
    expect((await withPaceWait(10_000, () => whoami(get("/api/participant", { authorization: `Bearer ${link.token}` })))).status).toBe(401);

    // Nothing left: an export finds nothing, and no store holds the name, email or any text.
    const after = await exportOf({ healingName: NAME, email: EMAIL });
    expect(after.parts.filter((p) => p.items.length)).toEqual([]);
    const [event] = await withPaceWait(10_000, async () => (await records()).list("Crisis Events"));
    expect(event!.fields).toMatchObject({ Level: "imminent" }); // kept for the duty of care, unlinked
    expect(event!.fields["Healing Name"]).toBeUndefined();
    const bytes = everything(vendors).toLowerCase();
    for (const needle of [NAME.toLowerCase(), EMAIL, ...TEXTS.map((t) => t.toLowerCase()), "more energy", "cus_a1"]) {
      expect(
        bytes.includes(needle) ? bytes.slice(bytes.indexOf(needle) - 150, bytes.indexOf(needle) + 50) : "",
        `"${needle}" is still stored`,
      ).toBe("");
    }
  }, 60_000);
});

describe("after an erasure", () => {
  it("a late Stripe webhook or a Typeform retry does not bring the person back; a new sign-up does", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { mailchimp } = configure("embedded");
    const payload = JSON.stringify(intakePayload({ token: "tok-late", healingName: NAME, email: EMAIL }));
    await intake(signedIntake(payload));
    await drainAll();
    const { requestId } = await (await eraseRoute(postJson("/api/privacy/erase", { healingName: NAME }, auth))).json();
    await drainAll();
    expect(await getStep(await kv(), `privacy:${requestId}:finish`)).toMatchObject({ status: "done" });

    expect((await intake(signedIntake(payload))).status).toBe(200); // Typeform retrying the old delivery
    await billing(
      signedStripe(
        JSON.stringify(
          stripeEvent("checkout.session.completed", {
            client_reference_id: NAME,
            customer_email: EMAIL,
            customer: "cus_late",
            subscription: "sub_late",
            payment_status: "paid",
          }),
        ),
      ),
    );
    await drainAll();
    expect(await (await records()).list("Users")).toEqual([]);

    await intake(signedIntake(JSON.stringify(intakePayload({ token: "tok-new", healingName: NAME, email: EMAIL }))));
    await drainAll();
    expect((await (await records()).list("Users")).map((u) => u.fields.Email)).toEqual([EMAIL]);
    // Mailchimp will not re-import a permanently deleted address: a final outcome, not a failure.
    expect(mailchimp.member(EMAIL)).toBeUndefined();
  });

  it("finishes an erasure right after the request, with no cron or drain (npm start has none)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    configure("embedded");
    await intake(signedIntake(JSON.stringify(intakePayload({ token: "tok-now", healingName: NAME, email: EMAIL }))));
    await drainAll();
    const { requestId } = await (await eraseRoute(postJson("/api/privacy/erase", { healingName: NAME }, auth))).json();
    await settleBackground(); // only the work the request itself started
    expect(await getStep(await kv(), `privacy:${requestId}:finish`)).toMatchObject({ status: "done" });
    expect((await exportOf({ healingName: NAME, email: EMAIL })).parts.filter((p) => p.items.length)).toEqual([]);
  });

  it("refuses every earlier personal link at once, even one checked a moment before", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    configure("embedded");
    await intake(signedIntake(JSON.stringify(intakePayload({ token: "tok-link", healingName: NAME, email: EMAIL }))));
    await drainAll();
    const link = (await issueLink({ records: await records(), kv: await kv() }, { healingName: NAME }))!;
    const whoIs = () => whoami(get("/api/participant", { authorization: `Bearer ${link.token}` }));
    expect((await whoIs()).status).toBe(200); // checked, and the check cached for 5 minutes
    const { requestId } = await (await eraseRoute(postJson("/api/privacy/erase", { healingName: NAME }, auth))).json();
    await drainAll(); // 24 s of the test's clock: well inside the cache's 5 minutes
    expect(await getStep(await kv(), `privacy:${requestId}:finish`)).toMatchObject({ status: "done" });
    expect((await whoIs()).status).toBe(401);
  });

  it("refuses the privacy endpoints without the admin token, and answers 503 when none is configured", async () => {
    useEnv({ PRIVACY_ADMIN_TOKEN: undefined });
    capturedLogs.length = 0;
    expect((await exportRoute(postJson("/api/privacy/export", { healingName: NAME }, auth))).status).toBe(503);
    // Switched off on purpose: a warning, not an error to page on.
    const lines = capturedLogs.map((line) => JSON.parse(line) as { level: string; event: string });
    expect(lines.filter((l) => l.level === "error")).toEqual([]);
    expect(lines).toContainEqual(expect.objectContaining({ level: "warn", event: "request.not_configured" }));
    configure("embedded");
    expect((await exportRoute(postJson("/api/privacy/export", { healingName: NAME }))).status).toBe(401);
    expect((await eraseRoute(postJson("/api/privacy/erase", { healingName: NAME }, { authorization: "Bearer wrong" }))).status).toBe(401);
    expect((await eraseRoute(postJson("/api/privacy/erase", { healingName: "" }, auth))).status).toBe(422);
    expect(await (await records()).list("Privacy Requests")).toEqual([]);
  });
});

// Healing Names are unique case- and accent-insensitively: the intake gives a newcomer a free
// variant (sent to Mailchimp as HNAME), and chat, reflections, consent and crisis events find the
// participant whatever the spelling, so two people's data never mixes.
import { describe, expect, it, vi } from "vitest";
import { POST as chat } from "../../api/chat.js";
import { GET as drainCron } from "../../api/cron/drain.js";
import { POST as intake } from "../../api/intake/typeform.js";
import { POST as reflection } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { nameKey } from "../../lib/participants/names.js";
import { backfillNameKeys, findUserByName, withNameClaim } from "../../lib/participants/repository.js";
import { records } from "../../lib/platform/records/index.js";
import { kv } from "../../lib/platform/kv/index.js";
import { enqueueIntake } from "../../lib/intake/intake.js";
import { get, postJson } from "../support/http.js";
import { kvRows } from "../support/stores.js";
import { mailchimpEmulator, useMailchimpEnv } from "../support/mailchimp-emulator.js";
import { server } from "../support/msw.js";
import { intakePayload, signedIntake, TYPEFORM_SECRET } from "../support/typeform.js";
import { useEnv } from "../support/env.js";

function configure() {
  useEnv({ TYPEFORM_WEBHOOK_SECRET: TYPEFORM_SECRET });
  useMailchimpEnv();
  const mailchimp = mailchimpEmulator();
  server.use(...mailchimp.handlers);
  return mailchimp;
}

async function signUp(token: string, healingName: string, email: string) {
  expect((await intake(signedIntake(JSON.stringify(intakePayload({ token, healingName, email }))))).status).toBe(200);
  await settleBackground();
  await drainCron(get("/api/cron/drain"));
  await settleBackground();
}

const users = async () => (await (await records()).list("Users")).map((u) => [u.fields["Healing Name"], u.fields.Email ?? null]);

describe("unique Healing Names", () => {
  it.each([
    ["River", "river"],
    ["RIVER", "river"],
    ["Ríver", "river"],
    ["Zoë  Ann", "zoe ann"],
    ["Straße", "strasse"],
  ])("folds %s to %s", (name, key) => {
    expect(nameKey(name)).toBe(key);
  });

  it("gives a second sign-up whose name differs only in case or accents a free variant, and tells them through Mailchimp", async () => {
    const mailchimp = configure();
    await signUp("t1", "River", "river@example.org");
    await signUp("t2", "RIVER", "other@example.org");
    await signUp("t3", "Ríver", "third@example.org");
    expect(await users()).toEqual([
      ["River", "river@example.org"],
      ["RIVER 2", "other@example.org"],
      ["Ríver 3", "third@example.org"],
    ]);
    expect(mailchimp.member("other@example.org")!.mergeFields).toEqual({ HNAME: "RIVER 2", CHATLINK: expect.stringMatching(/\?p=/) });
    expect(mailchimp.member("third@example.org")!.mergeFields).toEqual({ HNAME: "Ríver 3", CHATLINK: expect.stringMatching(/\?p=/) });
    expect(mailchimp.member("river@example.org")!.mergeFields).toEqual({ HNAME: "River", CHATLINK: expect.stringMatching(/\?p=/) });
  });

  it("gives two sign-ups choosing one name in the same drain round different names", async () => {
    configure();
    const submittedAt = new Date().toISOString();
    // Queued together (two webhooks a moment apart), so one drain round claims both.
    await enqueueIntake(await kv(), { token: "t1", healingName: "River", email: "river@example.org", consent: true, submittedAt });
    await enqueueIntake(await kv(), { token: "t2", healingName: "river", email: "other@example.org", consent: true, submittedAt });
    vi.useFakeTimers({ toFake: ["Date"] });
    await drainCron(get("/api/cron/drain")); // both intakes are due in this round, run side by side
    await settleBackground();
    vi.setSystemTime(Date.now() + 60_000); // the one that waited for the name is due again
    await drainCron(get("/api/cron/drain"));
    await settleBackground();
    const names = (await users()).map(([name]) => name);
    expect(names).toHaveLength(2);
    expect(new Set(names.map((name) => nameKey(String(name)))).size).toBe(2);
    expect((await users()).map(([, email]) => email).sort()).toEqual(["other@example.org", "river@example.org"]);
    expect(kvRows().filter((row) => row.key.startsWith("name-claim:"))).toEqual([]); // claims are released
  });

  it("does not write under a name claim that lapsed and was taken while the intake waited", async () => {
    const store = await kv();
    const written: string[] = [];
    const attempt = withNameClaim(store, "River", async (stillHeld) => {
      const [claim] = kvRows().filter((row) => row.key.startsWith("name-claim:"));
      await store.set(claim!.key, "another intake's claim"); // ours lapsed; someone else holds it now
      await stillHeld();
      written.push("River");
    });
    await expect(attempt).rejects.toMatchObject({ name: "RetryableStepError", options: { pacing: true } });
    expect(written).toEqual([]);
    expect(
      kvRows()
        .filter((row) => row.key.startsWith("name-claim:"))
        .map((row) => row.value),
    ).toEqual(["another intake's claim"]);
  });

  it("keeps a participant's variant when they submit the intake again choosing the taken name", async () => {
    configure();
    await signUp("t1", "River", "river@example.org");
    await signUp("t2", "River", "other@example.org");
    await signUp("t3", "River", "other@example.org");
    expect(await users()).toEqual([
      ["River", "river@example.org"],
      ["River 2", "other@example.org"],
    ]);
  });

  it("keeps the participant's own name when they submit the intake again, in another case", async () => {
    configure();
    await signUp("t1", "River", "river@example.org");
    await signUp("t2", "river", "river@example.org");
    expect(await users()).toEqual([["river", "river@example.org"]]);
  });

  it("resolves chat, reflections, consent and crisis events to the one participant, whatever the spelling", async () => {
    configure();
    await signUp("t1", "River", "river@example.org");
    await reflection(postJson("/api/reflection", { healingName: "ríver", reflection: "slept well", submissionId: "spelling-0001" }));
    await chat(postJson("/api/chat", { message: "hello", healingName: "RIVER", consent: false }));
    await chat(postJson("/api/chat", { message: "I want to kill myself tonight, I have the pills", healingName: "river" }));
    await settleBackground();
    await drainCron(get("/api/cron/drain"));
    await settleBackground();
    const store = await records();
    const [user] = await store.list("Users");
    expect(await users()).toEqual([["River", "river@example.org"]]);
    expect(user!.fields["Consent to Data Storage"]).toBeUndefined(); // withdrawn in chat
    const [row] = await store.list("Reflections");
    expect(row!.fields).toMatchObject({ "Healing Name": "River", User: [user!.id] });
    const [event] = await store.list("Crisis Events");
    expect(event!.fields).toMatchObject({ "Healing Name": "River", User: [user!.id] });
  });

  it("adopts a name-only record a reflection created, under any spelling, at the intake", async () => {
    configure();
    await reflection(postJson("/api/reflection", { healingName: "willow", reflection: "slept well", submissionId: "before-intake-1" }));
    await signUp("t1", "Willow", "willow@example.org");
    expect(await users()).toEqual([["Willow", "willow@example.org"]]);
  });

  it("backfills Name Keys on rows written before they existed, leaving collisions to the operator", async () => {
    const store = await records();
    const [a, , c] = await store.create("Users", [
      { "Healing Name": "Ash" },
      { "Healing Name": "ASH" },
      { "Healing Name": "Birch", "Name Key": "birch" },
    ]);
    expect(await backfillNameKeys(store)).toEqual({ updated: 1, collisions: [expect.stringMatching(/^rec/)] });
    expect((await findUserByName(store, "ásh"))!.id).toBe(a!.id);
    expect((await findUserByName(store, "BIRCH"))!.id).toBe(c!.id);
  });
});

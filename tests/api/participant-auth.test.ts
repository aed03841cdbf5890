// Issue 12: acting under a Healing Name needs the participant's personal link. With
// PARTICIPANT_AUTH=required a stranger who knows a name can neither flip consent, file reflections,
// nor spend the plan's allowance; a crisis message is answered whatever the credential says.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POST as chatPOST } from "../../api/chat.js";
import { GET as drainCron } from "../../api/cron/drain.js";
import { POST as intakePOST } from "../../api/intake/typeform.js";
import { GET as whoami } from "../../api/participant.js";
import { POST as reflectionPOST } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { kv } from "../../lib/platform/kv/index.js";
import { pendingSteps } from "../../lib/platform/outbox/outbox.js";
import { AUTH_FAILURE_POLICY } from "../../lib/participants/auth.js";
import { nameKey, participantKey } from "../../lib/participants/names.js";
import { issueLink, revokeParticipantTokens, signToken } from "../../lib/participants/credentials.js";
import { reissueLink } from "../../lib/participants/reissue.js";
import { records } from "../../lib/platform/records/index.js";
import { get, postJson } from "../support/http.js";
import { mailchimpEmulator, useMailchimpEnv } from "../support/mailchimp-emulator.js";
import { server } from "../support/msw.js";
import { capturedLogs } from "../support/logs.js";
import { kvRows, recordRows } from "../support/stores.js";
import { intakePayload, signedIntake, TYPEFORM_SECRET } from "../support/typeform.js";
import { childEnv, testDataDir, useEnv } from "../support/env.js";

const IMMINENT = "I want to kill myself tonight, I have the pills";
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const tokenOf = (link: string) => new URL(link).searchParams.get("p")!;

function required() {
  useEnv({ PARTICIPANT_AUTH: "required" });
}

/** River, who signed up with consent (as an intake writes her row); returns the Users record id. */
async function river(fields: Record<string, unknown> = {}): Promise<string> {
  const row = {
    "Healing Name": "River",
    "Name Key": nameKey("River"),
    Email: "river@example.org",
    "Consent to Data Storage": true,
    "Consent Updated At": "2026-01-01T00:00:00.000Z",
  };
  const [user] = await (await records()).create("Users", [{ ...row, ...fields }]);
  return user!.id;
}

async function linkFor(name = "River"): Promise<string> {
  return (await issueLink({ records: await records(), kv: await kv() }, { healingName: name }))!.link;
}

async function chat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await chatPOST(postJson("/api/chat", body, headers));
  const json = await response.json();
  await settleBackground();
  return { status: response.status, body: json };
}

async function reflect(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await reflectionPOST(postJson("/api/reflection", body, headers));
  return { status: response.status, body: await response.json() };
}

async function riverRecord() {
  return (await (await records()).find("Users", { "Healing Name": "River" }))[0]!;
}

afterEach(() => {
  useEnv({ PUBLIC_BASE_URL: undefined });
});

describe("PARTICIPANT_AUTH=required: chat", () => {
  it("leaves River's consent unchanged when someone chats with consent false under her name and no token", async () => {
    required();
    await river();
    const answer = await chat({ message: "hello", healingName: "River", consent: false });
    expect(answer.status).toBe(200);
    await drainCron(get("/api/cron/drain"));
    expect((await riverRecord()).fields["Consent to Data Storage"]).toBe(true);
    expect((await pendingSteps(await kv())).map((s) => s.kind)).not.toContain("user.consent");
  });

  it("changes River's consent when River herself sends it with her link", async () => {
    required();
    await river();
    const token = tokenOf(await linkFor());
    const answer = await chat({ message: "hello", consent: false }, bearer(token));
    expect(answer.status).toBe(200);
    expect(answer.body.response).toContain("River");
    await drainCron(get("/api/cron/drain"));
    expect((await riverRecord()).fields["Consent to Data Storage"]).toBeUndefined();
  });

  it("answers an anonymous chat, stores nothing and spends no one's plan allowance", async () => {
    required();
    const answer = await chat({ message: "I had a calmer morning", healingName: "River", consent: true });
    expect(answer.status).toBe(200);
    expect(answer.body.response).not.toContain("River");
    const keys = kvRows().map((r) => r.key);
    expect(keys.some((k) => k.startsWith("conversation:"))).toBe(false);
    expect(keys.some((k) => k.startsWith("rl:chat:free") || k.startsWith("rl:chat:member"))).toBe(false);
    expect(keys.some((k) => k.startsWith("rl:chat:ip"))).toBe(true);
    expect(await (await records()).list("Users")).toEqual([]);
  });

  it("stores a consented conversation and counts the allowance under the name for River with her link", async () => {
    required();
    await river();
    const token = tokenOf(await linkFor());
    const answer = await chat({ message: "My garden is blooming", consent: true }, bearer(token));
    expect(answer.status).toBe(200);
    const keys = kvRows().map((r) => r.key);
    expect(keys.some((k) => k.startsWith("conversation:"))).toBe(true);
    // The allowance is counted under River's participant key (a hash: no name in kv keys).
    expect(keys.some((k) => k.startsWith(`rl:chat:free:${participantKey("River")}`))).toBe(true);
    expect(keys.some((k) => k.includes("River"))).toBe(false);
  });

  it.each([
    ["no token", {}],
    ["a forged token", bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWMxIn0.c2lnbmF0dXJl")],
    ["a malformed Authorization header", { authorization: "Basic abc" }],
  ])("answers a crisis message with %s exactly as it answers it without any identity", async (_name, headers) => {
    required();
    await river();
    const plain = await chat({ message: IMMINENT, country: "GB" });
    const answer = await chat({ message: IMMINENT, healingName: "River", consent: true, country: "GB" }, headers);
    expect(answer.status).toBe(200);
    expect(answer.body.safety).toEqual(plain.body.safety);
    expect(answer.body.safety.level).toBe("imminent");
    expect(answer.body.response).toBe(plain.body.response);
    expect(answer.body.model).toBe("safety");
  });

  it("refuses a revoked token with 401 for an ordinary message, but still answers a crisis message", async () => {
    required();
    await river();
    const token = tokenOf(await linkFor());
    await revokeParticipantTokens({ records: await records(), kv: await kv() }, { healingName: "River" });
    const refused = await chat({ message: "hello", consent: true }, bearer(token));
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/no longer valid/);
    expect(refused.body.error.message).not.toContain(token);
    const crisis = await chat({ message: IMMINENT, consent: true }, bearer(token));
    expect(crisis.status).toBe(200);
    expect(crisis.body.safety.level).toBe("imminent");
  });
});

describe("on Vercel without PARTICIPANT_SECRET", () => {
  it("answers chat anonymously and a crisis message in full, and says which variable a reflection with a token needs", async () => {
    await river();
    const token = tokenOf(await linkFor());
    useEnv({ VERCEL: "1" });
    const plain = await chat({ message: "hello", consent: true }, bearer(token));
    expect(plain.status).toBe(200);
    expect(kvRows().some((r) => r.key.startsWith("conversation:"))).toBe(false);
    const crisis = await chat({ message: IMMINENT }, bearer(token));
    expect(crisis.body.safety.level).toBe("imminent");
    const { status, body } = await reflect({ healingName: "River", reflection: "I slept well" }, bearer(token));
    expect(status).toBe(503);
    expect(body.error.message).toContain("PARTICIPANT_SECRET");
    expect((await reflect({ healingName: "River", reflection: "I slept well" })).status).toBe(401);
  });
});

describe("PARTICIPANT_AUTH=required: reflections", () => {
  it("answers 401 with how to get a link and writes nothing for a reflection under a name without a token", async () => {
    required();
    const { status, body } = await reflect({ healingName: "River", reflection: "I slept well", milestone: "Day 7" });
    expect(status).toBe(401);
    expect(body.error).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/personal link/) });
    expect(await (await records()).list("Reflections")).toEqual([]);
    expect(await (await records()).list("Users")).toEqual([]);
    expect(await pendingSteps(await kv())).toEqual([]);
  });

  it("files a reflection sent with a personal link and no name under the link's participant", async () => {
    required();
    const id = await river();
    const token = tokenOf(await linkFor());
    const { status } = await reflect({ reflection: "I slept well", milestone: "Day 7" }, bearer(token));
    expect(status).toBe(201);
    const [row] = await (await records()).list("Reflections");
    expect(row!.fields.User).toEqual([id]);
  });

  it("answers 422 naming healingName for a reflection with neither a name nor a link (optional mode)", async () => {
    const { status, body } = await reflect({ reflection: "I slept well" });
    expect(status).toBe(422);
    expect(body.error.message).toMatch(/healingName/);
    expect(await (await records()).list("Reflections")).toEqual([]);
  });

  it("stores and links the reflection with the token from `npm run participant:link`, and refuses the old token after a re-issue", async () => {
    required();
    const id = await river();
    const run = () =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/participant-link.ts", "--healing-name", "River"], {
        env: { ...childEnv(), LOG_LEVEL: "warn" },
      });
    const first = (await run()).stdout.trim().split("\n").at(-1)!;
    expect(first).toMatch(/^http:\/\/localhost:3000\/\?p=[\w-]+\.[\w-]+\.[\w-]+$/);

    const stored = await reflect({ healingName: "River", reflection: "I slept well", milestone: "Day 7" }, bearer(tokenOf(first)));
    expect(stored.status).toBe(201);
    const [reflection] = await (await records()).list("Reflections");
    expect(reflection!.fields).toMatchObject({ "Healing Name": "River", User: [id], "Reflection Text": "I slept well" });

    const second = (await run()).stdout.trim().split("\n").at(-1)!;
    expect(second).not.toBe(first);
    const refused = await reflect({ healingName: "River", reflection: "Day 8 felt lighter" }, bearer(tokenOf(first)));
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/no longer valid: a newer link was issued/);
    expect(await (await records()).list("Reflections")).toHaveLength(1);
    expect((await reflect({ healingName: "River", reflection: "Day 8 felt lighter" }, bearer(tokenOf(second)))).status).toBe(201);
  }, 30_000);

  it("refuses with 403 a token used for someone else's name, and writes nothing", async () => {
    required();
    await river();
    await (await records()).create("Users", [{ "Healing Name": "Willow" }]);
    const token = tokenOf(await linkFor("Willow"));
    const { status, body } = await reflect({ healingName: "River", reflection: "I slept well" }, bearer(token));
    expect(status).toBe(403);
    expect(body.error.code).toBe("forbidden");
    expect(await (await records()).list("Reflections")).toEqual([]);
  });

  it("refuses an expired token with 401 saying it expired", async () => {
    required();
    await river();
    const link = await linkFor();
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 181 * 86_400_000 });
    const { status, body } = await reflect({ healingName: "River", reflection: "I slept well" }, bearer(tokenOf(link)));
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/expired/);
  });

  it("refuses every token once the participant's Users record is erased", async () => {
    required();
    const id = await river();
    const token = tokenOf(await linkFor());
    expect((await whoami(get("/api/participant", bearer(token)))).status).toBe(200);
    await revokeParticipantTokens({ records: await records(), kv: await kv() }, { recordId: id });
    await (await records()).delete("Users", [id]);
    const response = await whoami(get("/api/participant", bearer(token)));
    expect(response.status).toBe(401);
  });

  it("refuses a token signed with another secret, and accepts one signed with the previous secret after a rotation", async () => {
    required();
    const id = await river();
    useEnv({ PARTICIPANT_SECRET: "a".repeat(40) });
    const version = (await riverRecord()).fields["Link Version"] ?? (await linkFor(), (await riverRecord()).fields["Link Version"]);
    const old = await signToken({ recordId: id, version: String(version) });
    useEnv({ PARTICIPANT_SECRET: "b".repeat(40) });
    expect((await whoami(get("/api/participant", bearer(old.token)))).status).toBe(401);
    useEnv({ PARTICIPANT_SECRET_PREVIOUS: "a".repeat(40) });
    const response = await whoami(get("/api/participant", bearer(old.token)));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ signedIn: true, healingName: "River", auth: "required" });
  });
});

describe("brute force", () => {
  it(`stops checking tokens from an address after ${AUTH_FAILURE_POLICY.limit} failures (429), while other addresses still sign in`, async () => {
    required();
    await river();
    const token = tokenOf(await linkFor());
    const forged = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (let i = 0; i < AUTH_FAILURE_POLICY.limit; i++) {
      expect((await whoami(get("/api/participant", bearer(forged)))).status).toBe(401);
    }
    const blocked = await whoami(get("/api/participant", bearer(token)));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    const elsewhere = await whoami(get("/api/participant", { ...bearer(token), "x-forwarded-for": "198.51.100.9" }));
    expect(elsewhere.status).toBe(200);
  });
});

describe("PARTICIPANT_AUTH=optional (the local default)", () => {
  it("still accepts a claimed name without a token, and still refuses a bad token", async () => {
    expect((await reflect({ healingName: "River", reflection: "I slept well" })).status).toBe(201);
    const bad = await reflect({ healingName: "River", reflection: "I slept well" }, bearer("not.a.token"));
    expect(bad.status).toBe(401);
    expect(await (await whoami(get("/api/participant"))).json()).toEqual({ signedIn: false, auth: "optional" });
  });
});

describe("the personal link in the welcome journey", () => {
  it("sends CHATLINK = PUBLIC_BASE_URL/?p=<token> with the intake's Mailchimp upsert, and that token signs River in", async () => {
    required();
    useEnv({ TYPEFORM_WEBHOOK_SECRET: TYPEFORM_SECRET, PUBLIC_BASE_URL: "https://healing.example.org" });
    useMailchimpEnv();
    const mailchimp = mailchimpEmulator();
    server.use(...mailchimp.handlers);
    expect((await intakePOST(signedIntake(JSON.stringify(intakePayload())))).status).toBe(200);
    await settleBackground();
    await drainCron(get("/api/cron/drain"));
    expect(mailchimp.upserts).toHaveLength(1);
    const fields = mailchimp.upserts[0]!.merge_fields as Record<string, string>;
    expect(fields.HNAME).toBe("River");
    expect(fields.CHATLINK).toMatch(/^https:\/\/healing\.example\.org\/\?p=[\w-]+\.[\w-]+\.[\w-]+$/);
    const response = await whoami(get("/api/participant", bearer(tokenOf(fields.CHATLINK!))));
    expect(await response.json()).toMatchObject({ signedIn: true, healingName: "River" });
    expect(await (await records()).list("Users")).toHaveLength(1);
  });

  it("updates CHATLINK in Mailchimp when the link is re-issued, and the earlier link stops working", async () => {
    required();
    useEnv({ TYPEFORM_WEBHOOK_SECRET: TYPEFORM_SECRET });
    useMailchimpEnv();
    const mailchimp = mailchimpEmulator();
    server.use(...mailchimp.handlers);
    await intakePOST(signedIntake(JSON.stringify(intakePayload())));
    await settleBackground();
    await drainCron(get("/api/cron/drain"));
    const welcome = (mailchimp.upserts[0]!.merge_fields as Record<string, string>).CHATLINK!;
    const issued = await reissueLink({ records: await records(), kv: await kv() }, { healingName: "River" });
    expect(issued!.emailQueued).toBe(true);
    await drainCron(get("/api/cron/drain"));
    expect(mailchimp.upserts).toHaveLength(2);
    const updated = (mailchimp.upserts[1]!.merge_fields as Record<string, string>).CHATLINK!;
    expect((await whoami(get("/api/participant", bearer(tokenOf(welcome))))).status).toBe(401);
    expect((await whoami(get("/api/participant", bearer(tokenOf(updated))))).status).toBe(200);
    expect((await whoami(get("/api/participant", bearer(issued!.token)))).status).toBe(200);
  });
});

describe("no token in logs or records", () => {
  it("leaves no byte of any token in the log lines, the records file or the kv file after every flow", async () => {
    required();
    useEnv({ TYPEFORM_WEBHOOK_SECRET: TYPEFORM_SECRET });
    useMailchimpEnv();
    const mailchimp = mailchimpEmulator();
    server.use(...mailchimp.handlers);
    const logsBefore = capturedLogs.length;
    await intakePOST(signedIntake(JSON.stringify(intakePayload())));
    await settleBackground();
    await drainCron(get("/api/cron/drain"));
    const tokens = [tokenOf((mailchimp.upserts[0]!.merge_fields as Record<string, string>).CHATLINK!)];
    tokens.push((await reissueLink({ records: await records(), kv: await kv() }, { healingName: "River" }))!.token);
    await drainCron(get("/api/cron/drain"));
    tokens.push(tokenOf((mailchimp.upserts[1]!.merge_fields as Record<string, string>).CHATLINK!));
    const [old, current] = [tokens[0]!, tokens[2]!];
    await chat({ message: "My garden is blooming", consent: true }, bearer(current));
    await chat({ message: "hello", consent: false }, bearer(old));
    await chat({ message: IMMINENT }, bearer(old));
    await reflect({ healingName: "River", reflection: "I slept well", milestone: "Day 7" }, bearer(current));
    await reflect({ healingName: "River", reflection: "I slept well" }, bearer(old));
    await whoami(get("/api/participant", bearer(old.slice(0, -2) + "xx")));
    await settleBackground();
    await drainCron(get("/api/cron/drain"));

    // Each token, and each of its signatures alone, searched as bytes in everything kept.
    const files = ["records.db", "records.db-wal", "kv.db", "kv.db-wal"].map((f) => path.join(testDataDir(), f)).filter(existsSync);
    expect(files.length).toBeGreaterThan(1);
    const haystacks = [
      ...files.map((f) => readFileSync(f)),
      Buffer.from(capturedLogs.slice(logsBefore).join("\n")),
      Buffer.from(JSON.stringify(recordRows())),
      Buffer.from(JSON.stringify(kvRows())),
    ];
    for (const token of tokens) {
      for (const needle of [token, token.split(".")[2]!]) {
        for (const haystack of haystacks) expect(haystack.includes(Buffer.from(needle))).toBe(false);
      }
    }
    // The searches can find what is there: the version each valid token names is in the records file.
    const version = String((await riverRecord()).fields["Link Version"]);
    expect(Buffer.concat(haystacks.slice(0, files.length)).includes(Buffer.from(version))).toBe(true);
  });
});

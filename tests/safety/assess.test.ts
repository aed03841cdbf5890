// One assessment path: /api/crisis, /api/chat and /api/reflection give the same level and resources
// for the same message, before any validation of other fields, any rate limit or any store — and
// the LLM judge can raise a level the offline screen missed, never lower one, within its budget.
import { describe, expect, it } from "vitest";
import { POST as chat } from "../../api/chat.js";
import { POST as crisis } from "../../api/crisis.js";
import { POST as reflection } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { setKvForTesting } from "../../lib/platform/kv/index.js";
import { RATE_LIMIT_POLICIES } from "../../lib/platform/ratelimit.js";
import { records, setRecordsForTesting } from "../../lib/platform/records/index.js";
import { brokenKv, brokenRecords } from "../support/broken.js";
import { postJson } from "../support/http.js";
import { server } from "../support/msw.js";
import { NO_RISK_VERDICT, openAiEmulator, TEST_OPENAI_URL, type OpenAiEmulatorOptions } from "../support/openai-emulator.js";
import { useEnv } from "../support/env.js";

function useOpenAi(options: OpenAiEmulatorOptions = {}, env: Record<string, string> = {}) {
  useEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: TEST_OPENAI_URL, OPENAI_MODEL: "gpt-test", ...env });
  const emulator = openAiEmulator(options);
  server.use(...emulator.handlers);
  return emulator;
}

async function call(handler: (r: Request) => Promise<Response>, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await handler(postJson(path, body, headers));
  return { status: response.status, body: await response.json(), headers: response.headers };
}

const MESSAGES = [
  "I have the pills in my hand and I am taking them all tonight",
  "I want to kill myself",
  "my husband hits me and he won't let me leave",
  "I feel hopeless, nothing will ever change",
  "quiero morir esta noche, ya tengo las pastillas",
  "what a lovely morning",
];

describe("the same answer from every entry point", () => {
  it.each(MESSAGES)(
    "%s: same level and resources from /api/crisis, /api/chat and /api/reflection with every store, the rate limiter and OpenAI down",
    async (message) => {
      useOpenAi({ failWith: 500, moderation: "unavailable", judge: { failWith: 500 } });
      setRecordsForTesting(brokenRecords());
      setKvForTesting(brokenKv());
      const headers = { "x-vercel-ip-country": "ES" };
      const a = await call(crisis, "/api/crisis", { message, healingName: "River" }, headers);
      const b = await call(chat, "/api/chat", { message, healingName: "River" }, headers);
      const c = await call(reflection, "/api/reflection", { reflection: message, healingName: "River" }, headers);
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      expect([201, 202, 503]).toContain(c.status);
      expect(b.body.safety.level).toBe(a.body.level);
      // A reflection that could not be saved carries the screen's answer from medium up.
      if (c.status !== 503 || !["none", "low"].includes(a.body.level)) expect(c.body.safety.level).toBe(a.body.level);
      if (a.body.level !== "none" && a.body.level !== "low") {
        expect(b.body.safety.resources).toEqual(a.body.resources);
        expect(c.body.safety.resources).toEqual(a.body.resources);
        expect(a.body.resources).toMatchObject({ country: "ES", emergency: "112" });
      }
      if (a.body.level === "high" || a.body.level === "imminent") {
        expect(b.body.response).toBe(a.body.response);
        expect(c.body.safety.response).toBe(a.body.response);
      }
      await settleBackground();
    },
  );

  it("answers a crisis in a chat body that fails validation, and still refuses the same body when it is not a crisis", async () => {
    const bad = { conversationId: "not-one-of-ours", consent: "yes" };
    const atRisk = await call(chat, "/api/chat", { ...bad, message: "I want to kill myself tonight" });
    expect(atRisk.status).toBe(200);
    expect(atRisk.body).toMatchObject({ model: "safety", safety: { level: "imminent" } });
    const ordinary = await call(chat, "/api/chat", { ...bad, message: "hello" });
    expect(ordinary.status).toBe(422);
  });

  it("answers a crisis in a reflection that fails validation: 422, nothing stored, the resources and safe reply attached", async () => {
    const response = await call(
      reflection,
      "/api/reflection",
      { reflection: "I have written my goodbye letters and tonight I end it", submissionId: "!" },
      { "x-vercel-ip-country": "GB" },
    );
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("unprocessable_entity");
    expect(response.body.safety).toMatchObject({ level: "imminent", resources: { country: "GB", emergency: "999" } });
    expect(response.body.safety.response).toMatch(/999/);
    await settleBackground();
    expect(await (await records()).list("Reflections")).toEqual([]);
    expect(await (await records()).list("Crisis Events")).toHaveLength(1);
  });

  it("a reflection that cannot be saved anywhere answers 503 with Retry-After, saying it was not saved — never a 500", async () => {
    setRecordsForTesting(brokenRecords());
    setKvForTesting(brokenKv());
    const response = await call(reflection, "/api/reflection", { reflection: "a calm week", healingName: "River" });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("60");
    expect(response.body.error.message).toContain("not saved");
  });

  it("/api/crisis over its rate limit still carries the resources and the reply", async () => {
    const { limit } = RATE_LIMIT_POLICIES["crisis:ip"];
    let last = await call(crisis, "/api/crisis", { message: "hello" }, { "x-forwarded-for": "198.51.100.77", "x-vercel-ip-country": "IE" });
    for (let i = 0; i < limit; i++)
      last = await call(
        crisis,
        "/api/crisis",
        { message: `hello ${i}` },
        { "x-forwarded-for": "198.51.100.77", "x-vercel-ip-country": "IE" },
      );
    expect(last.status).toBe(429);
    expect(last.headers.get("retry-after")).toBeTruthy();
    expect(last.body).toMatchObject({ error: { code: "rate_limited" }, resources: { country: "IE" } });
    expect(typeof last.body.response).toBe("string");
  });
});

describe("the LLM risk judge, raise-only", () => {
  const IMMINENT_VERDICT = {
    ...NO_RISK_VERDICT,
    dimensions: { ...NO_RISK_VERDICT.dimensions, active_ideation: true, intent: true, plan: true, timeline: "now" },
    level: "imminent",
    categories: ["suicidal_ideation"],
  };
  const MISSED = "the quiet is finally coming, everything is arranged";

  it("raises a message the offline screen misses, and the Crisis Event says the judge decided", async () => {
    const openai = useOpenAi({ judge: { verdict: IMMINENT_VERDICT } });
    const response = await call(crisis, "/api/crisis", { message: MISSED, healingName: "River" });
    expect(response.body).toMatchObject({ level: "imminent", decidedBy: "judge" });
    expect(openai.judgeRequests).toHaveLength(1);
    await settleBackground();
    const events = await (await records()).list("Crisis Events");
    expect(events.map((e) => e.fields)).toEqual([expect.objectContaining({ Level: "imminent", "Decided By": "judge", Source: "crisis" })]);
  });

  it("in chat, the judge's raise replaces the companion's reply with the safe reply", async () => {
    useOpenAi({ judge: { verdict: IMMINENT_VERDICT } });
    const response = await call(chat, "/api/chat", { message: MISSED });
    expect(response.body).toMatchObject({ model: "safety", safety: { level: "imminent" } });
    await settleBackground();
    expect((await (await records()).list("Crisis Events"))[0]!.fields).toMatchObject({ "Decided By": "judge", Source: "chat" });
  });

  it("never lowers: a benign verdict leaves an offline hard stop as it is, and the judge is not even asked", async () => {
    const openai = useOpenAi({ judge: { verdict: NO_RISK_VERDICT } });
    const response = await call(crisis, "/api/crisis", { message: "I want to kill myself tonight" });
    expect(response.body).toMatchObject({ level: "imminent", decidedBy: expect.stringMatching(/grammar|conversation|model/) });
    expect(openai.judgeRequests).toHaveLength(0);
  });

  it("with the judge timing out, chat still answers within the judge's budget", async () => {
    useOpenAi({ judge: { delayMs: 5000 } }, { SAFETY_JUDGE_TIMEOUT_MS: "300" });
    const started = Date.now();
    const response = await call(chat, "/api/chat", { message: MISSED });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(response.body.model).toBe("gpt-test");
    expect(response.body.safety.level).not.toBe("imminent");
  });

  it("with SAFETY_JUDGE=off no judge request is made", async () => {
    const openai = useOpenAi({ judge: { verdict: IMMINENT_VERDICT } }, { SAFETY_JUDGE: "off" });
    const response = await call(crisis, "/api/crisis", { message: MISSED });
    expect(response.body.level).not.toBe("imminent");
    expect(openai.judgeRequests).toHaveLength(0);
  });
});

describe("what a second read of the crisis path found", () => {
  it("the imminent reply names a number to call even where no national line is listed", async () => {
    const response = await call(crisis, "/api/crisis", { message: "I want to kill myself tonight" }, { "x-vercel-ip-country": "IT" });
    const body = response.body;
    expect(body.level).toBe("imminent");
    expect(body.response).toContain("call 112 now");
    expect(body.response).not.toMatch(/call If you are/);
  });

  it("reads 'UK' in the body as GB", async () => {
    const response = await call(crisis, "/api/crisis", { message: "I want to kill myself tonight", country: "UK" });
    expect(response.body.resources).toMatchObject({ country: "GB", emergency: "999" });
  });

  it("keeps the earlier turns when the history has more than 20, an over-long one or an odd entry", async () => {
    const history = [...Array(20).fill("ok"), null, { role: "user", content: ["not a string"] }, "x".repeat(9000), "I want to kill myself"];
    const response = await call(crisis, "/api/crisis", { message: "tonight", history });
    expect(response.body.level).toBe("imminent");
  });

  it("a misconfigured companion does not stop the crisis answer in chat", async () => {
    useEnv({ CHAT_BACKEND_BUDGET_MS: "abc" });
    const response = await call(chat, "/api/chat", { message: "I want to kill myself" });
    expect(response.status).toBe(200);
    expect(response.body.model).toBe("safety");
  });

  it("a reflection at risk keeps its safety block when a store is misconfigured", async () => {
    useEnv({ AIRTABLE_API_KEY: "x" });
    const response = await call(reflection, "/api/reflection", { reflection: "I want to kill myself", healingName: "River" });
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe("not_configured");
    expect(response.body.safety).toMatchObject({ level: "high", resources: { country: "US" } });
  });

  it("over the chat limit, someone at medium risk gets the resources with the 429", async () => {
    const { limit } = RATE_LIMIT_POLICIES["chat:ip"];
    const ip = { "x-forwarded-for": "198.51.100.88" };
    for (let i = 0; i < limit; i++) await call(chat, "/api/chat", { message: `hello ${i}` }, ip);
    const response = await call(chat, "/api/chat", { message: "I wish I could just disappear and never wake up" }, ip);
    expect(response.status).toBe(429);
    expect(response.body.safety).toMatchObject({ level: "medium", resources: { country: "US" } });
  });
});

import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { GET, POST } from "../../api/crisis.js";
import { POST as chat } from "../../api/chat.js";
import { settleBackground } from "../../lib/platform/background.js";
import { kv, setKvForTesting } from "../../lib/platform/kv/index.js";
import { records, setRecordsForTesting } from "../../lib/platform/records/index.js";
import { RATE_LIMIT_POLICIES } from "../../lib/platform/ratelimit.js";
import { brokenKv, brokenRecords } from "../support/broken.js";
import { get, postJson } from "../support/http.js";
import { capturedLogs } from "../support/logs.js";
import { server } from "../support/msw.js";
import { openAiEmulator, TEST_OPENAI_URL } from "../support/openai-emulator.js";
import { useEnv } from "../support/env.js";

const IMMINENT = "I want to kill myself tonight, I have the pills";

describe("POST /api/crisis", () => {
  it("answers an imminent message with the emergency number first, and records a Crisis Event without the text", async () => {
    const response = await POST(postJson("/api/crisis", { message: IMMINENT, country: "US" }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ level: "imminent", categories: ["suicidal_ideation"], resources: { country: "US", emergency: "911" } });
    const resourcesAt = body.response.indexOf("If you are in danger right now, call 911");
    expect(resourcesAt).toBeGreaterThan(-1);
    expect(resourcesAt).toBeLessThan(body.response.indexOf("988 Suicide & Crisis Lifeline"));
    expect(body.response).toMatch(/Are you safe right now\?/);
    expect(body.response).toMatch(/I'm an AI companion/);
    expect(body.response).not.toMatch(/pills|overdose|dose/i);

    await settleBackground();
    const events = await (await records()).list("Crisis Events");
    expect(events).toHaveLength(1);
    expect(events[0]!.fields).toMatchObject({
      Level: "imminent",
      Source: "crisis",
      Country: "US",
      Status: "New",
      Categories: ["suicidal_ideation"],
    });
    expect(JSON.stringify(events[0])).not.toContain("kill myself");
  });

  it("records one Crisis Event per person and level in the repeat window, a new one when the level rises, and answers every message in full", async () => {
    const HIGH = "I want to kill myself";
    const repeatsLogged = () => capturedLogs.filter((line) => line.includes('"event":"crisis.repeat"')).length;
    const before = repeatsLogged();
    const from = (ip: string, message: string) => POST(postJson("/api/crisis", { message }, { "x-forwarded-for": ip }));
    for (let i = 0; i < 5; i++) {
      const body = await (await from("198.51.100.1", HIGH)).json();
      expect(body).toMatchObject({ level: "high", resources: { country: "US" } });
    }
    await settleBackground();
    expect((await (await records()).list("Crisis Events")).map((e) => e.fields.Level)).toEqual(["high"]);

    expect((await (await from("198.51.100.1", IMMINENT)).json()).level).toBe("imminent"); // escalation: new event
    await from("198.51.100.1", HIGH); // lower than what was recorded: a repeat
    await from("198.51.100.2", HIGH); // someone else
    await settleBackground();
    const levels = (await (await records()).list("Crisis Events")).map((e) => e.fields.Level);
    expect(levels.sort()).toEqual(["high", "high", "imminent"]);
    expect(repeatsLogged() - before).toBe(5);
  });

  it("records every hard stop when the repeat window is 0", async () => {
    useEnv({ CRISIS_REPEAT_WINDOW_MINUTES: "0" });
    for (let i = 0; i < 3; i++) await POST(postJson("/api/crisis", { message: IMMINENT }));
    await settleBackground();
    expect(await (await records()).list("Crisis Events")).toHaveLength(3);
  });

  it("records the Crisis Event at once even while another drain holds the outbox lock", async () => {
    await (await kv()).set("outbox:drain-lock", "1", { ttlSeconds: 60 });
    await POST(postJson("/api/crisis", { message: IMMINENT }));
    await settleBackground();
    expect(await (await records()).list("Crisis Events")).toHaveLength(1);
  });

  it.each([
    ["I feel hopeless", "medium"],
    ["I'm a bit stressed about exams", "low"],
    ["What a lovely morning", "none"],
  ])("answers %s at %s and records nothing", async (message, level) => {
    const body = await (await POST(postJson("/api/crisis", { message }))).json();
    expect(body.level).toBe(level);
    expect(body.resources.lines.length).toBeGreaterThan(0);
    expect(typeof body.response).toBe("string");
    await settleBackground();
    expect(await (await records()).list("Crisis Events")).toEqual([]);
  });

  it("uses the conversation's recent turns", async () => {
    const body = await (await POST(postJson("/api/crisis", { message: "I have the pills here", history: ["I want to die"] }))).json();
    expect(body.level).toBe("imminent");
  });

  it.each([
    [{ country: "gb" }, {}, "GB", "999"],
    [{}, { "x-vercel-ip-country": "AU" }, "AU", "000"],
    [{}, { "accept-language": "en-NZ,en;q=0.8" }, "NZ", "111"],
    [{ country: "DE" }, { "x-vercel-ip-country": "AU" }, "DE", "112"],
  ])(
    "picks the country from the body, then the IP country, then Accept-Language (%o %o → %s)",
    async (body, headers, country, emergency) => {
      const result = await (await POST(postJson("/api/crisis", { message: "I want to die", ...body }, headers))).json();
      expect(result.resources).toMatchObject({ country, emergency });
    },
  );

  it("falls back to CRISIS_DEFAULT_COUNTRY, and to the international directory for other countries", async () => {
    useEnv({ CRISIS_DEFAULT_COUNTRY: "ie" });
    const ie = await (await POST(postJson("/api/crisis", { message: "I want to die" }))).json();
    expect(ie.resources.country).toBe("IE");
    const other = await (await POST(postJson("/api/crisis", { message: "I want to die", country: "BR" }))).json();
    expect(other.resources).toMatchObject({ country: "BR", emergency: null, lines: [{ url: "https://findahelpline.com" }] });
    expect(other.response).toMatch(/local emergency number/);
  });

  it("rate limits ordinary messages at 60 a minute per IP, but always answers someone at risk", async () => {
    vi.useFakeTimers({ toFake: ["Date"] }); // a window boundary mid-test would reset the count
    const { limit } = RATE_LIMIT_POLICIES["crisis:ip"];
    expect(limit).toBeGreaterThanOrEqual(60);
    for (let i = 0; i < limit; i++) expect((await POST(postJson("/api/crisis", { message: "hello" }))).status).toBe(200);
    const limited = await POST(postJson("/api/crisis", { message: "hello" }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBeTruthy();
    const atRisk = await POST(postJson("/api/crisis", { message: IMMINENT }));
    expect(atRisk.status).toBe(200);
    expect((await atRisk.json()).level).toBe("imminent");
  });

  it.each([
    ["an empty message", { message: "  " }],
    ["a non-string message", { message: 5 }],
  ])("refuses %s with 422", async (_name, body) => {
    const response = await POST(postJson("/api/crisis", body));
    expect(response.status).toBe(422);
  });

  it("never lets another field stand between a person and the answer: a bad country or name is ignored, and the chat body is accepted as it is", async () => {
    const response = await POST(
      postJson(
        "/api/crisis",
        {
          message: IMMINENT,
          country: "USA",
          healingName: "x".repeat(500),
          consent: true,
          conversationId: "not-ours",
          history: [{ role: "user", content: "hi" }],
        },
        { "x-vercel-ip-country": "GB" },
      ),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ level: "imminent", resources: { country: "GB", emergency: "999" } });
  });

  it("alerts the operator webhook with the Healing Name and level, never the message", async () => {
    const alerts: unknown[] = [];
    server.use(
      http.post(
        "https://hooks.slack.test/services/T/B/X",
        async ({ request }) => (alerts.push(await request.json()), HttpResponse.text("ok")),
      ),
    );
    useEnv({ CRISIS_ALERT_WEBHOOK_URL: "https://hooks.slack.test/services/T/B/X" });
    await POST(postJson("/api/crisis", { message: IMMINENT, healingName: "River" }));
    await settleBackground();
    expect(alerts).toHaveLength(1);
    const text = (alerts[0] as { text: string }).text;
    expect(text).toContain('"River"');
    expect(text).toContain("imminent");
    expect(text).not.toContain("kill myself");
  });
});

describe("GET /api/crisis", () => {
  it("returns the resources for a country", async () => {
    const body = await (await GET(get("/api/crisis?country=gb"))).json();
    expect(body.country).toBe("GB");
    expect(body.resources.emergency).toBe("999");
    expect(body.resources.lines.map((l: { name: string }) => l.name)).toContain("Samaritans");
  });

  it("refuses a malformed country with 400 that names the parameter", async () => {
    const response = await GET(get("/api/crisis?country=123"));
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain("'country' query parameter");
  });

  it.each([
    ["Germany", "DE"],
    ["germany", "DE"],
    ["de", "DE"],
    ["United Kingdom", "GB"],
    ["UK", "GB"],
  ])("accepts the country %s as a name or code in any case (%s)", async (value, code) => {
    const response = await GET(get(`/api/crisis?country=${encodeURIComponent(value)}`));
    expect(response.status).toBe(200);
    expect((await response.json()).country).toBe(code);
  });
});

describe("when every backend is failing", () => {
  function breakEverything() {
    useEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: TEST_OPENAI_URL });
    const openai = openAiEmulator({ failWith: 500 });
    server.use(...openai.handlers);
    setRecordsForTesting(brokenRecords());
    setKvForTesting(brokenKv());
    return openai;
  }

  it("/api/crisis still answers correctly", async () => {
    breakEverything();
    const response = await POST(postJson("/api/crisis", { message: IMMINENT, country: "GB" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ level: "imminent", resources: { emergency: "999" } });
    const ordinary = await POST(postJson("/api/crisis", { message: "I feel hopeless" }));
    expect(ordinary.status).toBe(200);
    await settleBackground();
    expect(capturedLogs.some((line) => line.includes("crisis.unrecorded"))).toBe(true);
  });

  it("the hard-stop path of /api/chat still answers, with no call to OpenAI", async () => {
    const openai = breakEverything();
    const response = await chat(postJson("/api/chat", { message: IMMINENT, healingName: "River", consent: true, country: "GB" }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ safety: { level: "imminent", resources: { emergency: "999" } }, model: "safety" });
    expect(body.response).toContain("call 999");
    await settleBackground();
    expect(openai.completions).toHaveLength(0);
    expect(openai.moderations).toHaveLength(0);
  });
});

describe("POST /api/crisis, bodies it cannot use", () => {
  it.each([
    ["an empty body", ""],
    ["malformed JSON", "{not json"],
    ["an empty message", JSON.stringify({ message: "" })],
  ])("answers %s with a 4xx that still carries the resources for the caller's country", async (_name, raw) => {
    const response = await POST(postJson("/api/crisis", raw, { "x-vercel-ip-country": "IE" }));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.json()).toMatchObject({ error: { code: expect.any(String) }, resources: { country: "IE" } });
  });

  it("screens a message longer than a chat message (up to 20,000 characters) instead of refusing it", async () => {
    const message = `${"I have been trying to explain how the week went. ".repeat(180)} I have the pills in my hand and I am taking them all tonight`;
    expect(message.length).toBeGreaterThan(8000);
    const response = await POST(postJson("/api/crisis", { message }));
    expect(response.status).toBe(200);
    expect((await response.json()).level).toBe("imminent");
  });
});

import { describe, expect, it, vi } from "vitest";
import { POST } from "../../api/chat.js";
import { settleBackground } from "../../lib/platform/background.js";
import { safetyIdentifier } from "../../lib/vendors/openai/companion.js";
import { kv } from "../../lib/platform/kv/index.js";
import { loadTurns } from "../../lib/companion/conversation.js";
import { records } from "../../lib/platform/records/index.js";
import { RATE_LIMIT_POLICIES } from "../../lib/platform/ratelimit.js";
import { postJson } from "../support/http.js";
import { capturedLogs } from "../support/logs.js";
import { server } from "../support/msw.js";
import { openAiEmulator, TEST_OPENAI_URL, type OpenAiEmulatorOptions } from "../support/openai-emulator.js";
import { kvRows, recordRows } from "../support/stores.js";
import { TEST_UPSTASH_TOKEN, TEST_UPSTASH_URL, upstashEmulator } from "../support/upstash-emulator.js";
import { useEnv } from "../support/env.js";

const IMMINENT = "I want to kill myself tonight, I have the pills";

function useOpenAi(options: OpenAiEmulatorOptions = {}, env: Record<string, string> = {}) {
  useEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: TEST_OPENAI_URL, OPENAI_MODEL: "gpt-test" });
  useEnv(env);
  const emulator = openAiEmulator(options);
  server.use(...emulator.handlers);
  return emulator;
}

async function chat(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await POST(postJson("/api/chat", body, headers));
  return { status: response.status, body: await response.json() };
}

async function readEvents(response: Response): Promise<{ event: string; data: any }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((block) => ({ event: /^event: (.*)$/m.exec(block)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) }));
}

describe("POST /api/chat — hard stop", () => {
  it("answers an imminent message with the safe reply, calls no OpenAI endpoint, and records a Crisis Event without text", async () => {
    const openai = useOpenAi();
    const { status, body } = await chat({ message: IMMINENT, healingName: "River", country: "US" });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      model: "safety",
      safety: { level: "imminent", categories: ["suicidal_ideation"], resources: { emergency: "911" } },
    });
    expect(body.response.indexOf("call 911")).toBeLessThan(body.response.indexOf("988"));
    expect(body.conversationId).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    await settleBackground();
    expect(openai.completions).toHaveLength(0);
    expect(openai.moderations).toHaveLength(0);
    const events = await (await records()).list("Crisis Events");
    expect(events).toHaveLength(1);
    expect(events[0]!.fields).toMatchObject({ Level: "imminent", Source: "chat", "Healing Name": "River", Status: "New" });
    expect((events[0]!.fields.User as string[])[0]).toMatch(/^rec/);
    expect(JSON.stringify(recordRows())).not.toContain("kill myself");
  });

  it("answers someone at risk even when they are over the rate limit", async () => {
    vi.useFakeTimers({ toFake: ["Date"] }); // a window boundary mid-test would reset the count
    const { limit } = RATE_LIMIT_POLICIES["chat:ip"];
    for (let i = 0; i <= limit; i++) await chat({ message: `hello ${i}` });
    expect((await chat({ message: "hello again" })).status).toBe(429);
    const atRisk = await chat({ message: "I want to die" });
    expect(atRisk.status).toBe(200);
    expect(atRisk.body.safety.level).toBe("high");
  });
});

describe("POST /api/chat — companion", () => {
  it("answers offline without an OpenAI key: deterministic, kind, with the Healing Name", async () => {
    const first = await chat({ message: "I'm tired after a long day", healingName: "River" });
    const second = await chat({ message: "I'm tired after a long day", healingName: "River" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ model: "offline", safety: { level: "none", categories: [] } });
    expect(first.body.response).toContain("River");
    expect(first.body.response).toContain("tiredness");
    expect(first.body.response).toMatch(/\?$/);
    expect(second.body.response).toBe(first.body.response);
  });

  it("calls OpenAI with store: false, a hashed safety_identifier, the persona, and moderation in parallel", async () => {
    const openai = useOpenAi();
    const { body } = await chat({ message: "Today was quieter than I expected", healingName: "River" });
    expect(body).toMatchObject({ model: "gpt-test", response: "That sounds like a lot to hold. What has today been like for you?" });
    const sent = openai.completions[0]!;
    expect(sent).toMatchObject({ model: "gpt-test", store: false, stream: true });
    expect(sent.safety_identifier).toBe(safetyIdentifier("River", "sk-test"));
    expect(sent.safety_identifier).not.toContain("River");
    const messages = sent.messages as { role: string; content: string }[];
    expect(messages[0]!.role).toBe("system");
    expect(messages[0]!.content).toContain('Healing Name is "River"');
    expect(messages[0]!.content).not.toContain("Safety note");
    expect(messages.at(-1)).toEqual({ role: "user", content: "Today was quieter than I expected" });
    expect(openai.moderations).toEqual([{ model: "omni-moderation-latest", input: "Today was quieter than I expected" }]);
  });

  it("at medium adds the safety addendum and attaches resources", async () => {
    const openai = useOpenAi();
    const { body } = await chat({ message: "I feel hopeless lately", country: "GB" });
    expect(body.safety).toMatchObject({ level: "medium", resources: { country: "GB", emergency: "999" } });
    expect((openai.completions[0]!.messages as { content: string }[])[0]!.content).toContain("Safety note");
  });

  it("raises the level from moderation and replaces the reply when it becomes high", async () => {
    const openai = useOpenAi({ moderation: { "self-harm/intent": 0.93, "self-harm": 0.95 } });
    const { body } = await chat({ message: "you know what i mean about tonight", healingName: "River" });
    expect(body).toMatchObject({ model: "safety", safety: { level: "high", categories: ["self_harm"] } });
    expect(body.response).not.toBe("That sounds like a lot to hold. What has today been like for you?");
    expect(body.response).toMatch(/Are you safe right now\?/);
    await settleBackground();
    expect(openai.moderations).toHaveLength(1);
    expect(await (await records()).list("Crisis Events")).toHaveLength(1);
  });

  it("carries on when the server has no moderation endpoint (an OpenAI-compatible server)", async () => {
    useOpenAi({ moderation: "unavailable" });
    const { status, body } = await chat({ message: "hello there" });
    expect(status).toBe(200);
    expect(body.model).toBe("gpt-test");
  });

  it.each([
    ["a 500", { failWith: 500 }, {}],
    ["a timeout", { delayMs: 3000 }, { OPENAI_TIMEOUT_MS: "1000", OPENAI_MAX_RETRIES: "0" }],
  ])("gives a gentle fallback reply on %s, with the safety behaviour unchanged", async (_name, options, env) => {
    useOpenAi(options, env);
    const ordinary = await chat({ message: "I feel hopeless", healingName: "River" });
    expect(ordinary.status).toBe(200);
    expect(ordinary.body).toMatchObject({ model: "fallback", safety: { level: "medium" } });
    expect(ordinary.body.response).toContain("I'm still here");
    const atRisk = await chat({ message: IMMINENT });
    expect(atRisk.body).toMatchObject({ model: "safety", safety: { level: "imminent" } });
  });

  it.each([
    ["not JSON", "{"],
    ["an empty message", JSON.stringify({ message: " " })],
    ["a long message", JSON.stringify({ message: "a".repeat(4001) })],
    ["a made-up conversationId", JSON.stringify({ message: "hi", conversationId: "abc" })],
    ["a string consent", JSON.stringify({ message: "hi", consent: "yes" })],
  ])("refuses %s with a 4xx and stores nothing", async (_name, raw) => {
    const response = await POST(postJson("/api/chat", raw));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(kvRows().filter((r) => !r.key.startsWith("rl:"))).toEqual([]);
  });
});

describe("POST /api/chat — consent and storage", () => {
  it("stores consented turns in kv with the TTL, and uses them next time", async () => {
    const openai = useOpenAi({}, { CONVERSATION_TTL_DAYS: "30" });
    const first = await chat({ message: "My garden is blooming", healingName: "River", consent: true });
    await settleBackground();
    const key = `conversation:${first.body.conversationId}`;
    const row = kvRows().find((r) => r.key === key)!;
    // Sealed at rest (tests/privacy/encryption.test.ts); read back through the store.
    expect(row.value).toMatch(/^sealed:v1:/);
    expect(row.value).not.toContain("garden");
    expect(await loadTurns(await kv(), first.body.conversationId)).toEqual([
      { role: "user", content: "My garden is blooming", at: expect.any(String) },
      { role: "assistant", content: first.body.response, at: expect.any(String) },
    ]);
    expect(await (await kv()).ttl(key)).toBeGreaterThan(29 * 86_400);

    await chat({ message: "And the roses too", consent: true, conversationId: first.body.conversationId });
    const messages = openai.completions[1]!.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.content)).toEqual(expect.arrayContaining(["My garden is blooming", "And the roses too"]));
  });

  it("stores nothing of the conversation anywhere without consent", async () => {
    useOpenAi();
    const secret = "my quiet secret about the lake house";
    const { body } = await chat({ message: secret, healingName: "River" });
    await chat({ message: `${secret} again`, conversationId: body.conversationId });
    await settleBackground();
    const everything = JSON.stringify([kvRows(), recordRows()]);
    expect(everything).not.toContain("lake house");
    expect(everything).not.toContain(body.response);
    expect(kvRows().some((r) => r.key.startsWith("conversation:"))).toBe(false);
    expect(capturedLogs.join("\n")).not.toContain("lake house");
  });

  it("deletes a stored conversation when consent is withdrawn", async () => {
    const first = await chat({ message: "Keep this for now", consent: true });
    await settleBackground();
    expect(kvRows().some((r) => r.key === `conversation:${first.body.conversationId}`)).toBe(true);
    await chat({ message: "Please forget me", consent: false, conversationId: first.body.conversationId });
    await settleBackground();
    expect(kvRows().some((r) => r.key.startsWith("conversation:"))).toBe(false);
  });

  it("keeps Users.Consent to Data Storage in step, writing only when it changes", async () => {
    await chat({ message: "hello", healingName: "River", consent: true });
    await settleBackground();
    const store = await records();
    let [user] = await store.find("Users", { "Healing Name": "River" });
    expect(user!.fields).toMatchObject({ "Consent to Data Storage": true, "Consent Updated At": expect.any(String) });
    const firstUpdate = user!.fields["Consent Updated At"];
    await chat({ message: "hello again", healingName: "River", consent: true });
    await settleBackground();
    [user] = await store.find("Users", { "Healing Name": "River" });
    expect(user!.fields["Consent Updated At"]).toBe(firstUpdate);
    await chat({ message: "actually no", healingName: "River", consent: false });
    await settleBackground();
    [user] = await store.find("Users", { "Healing Name": "River" });
    expect(user!.fields["Consent to Data Storage"]).toBeUndefined();
    expect(user!.fields["Consent Updated At"]).not.toBe(firstUpdate);
  });
});

describe("POST /api/chat — streaming", () => {
  it("streams meta, safety, delta and done events that add up to the JSON answer", async () => {
    useOpenAi();
    const response = await POST(postJson("/api/chat", { message: "hello there", healingName: "River" }, { accept: "text/event-stream" }));
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = await readEvents(response);
    expect(events[0]).toMatchObject({ event: "meta", data: { conversationId: expect.any(String) } });
    expect(events[1]).toMatchObject({ event: "safety", data: { level: "none" } });
    const deltas = events.filter((e) => e.event === "delta").map((e) => e.data.text as string);
    const done = events.at(-1)!;
    expect(done.event).toBe("done");
    expect(deltas.join("")).toBe(done.data.response);
    expect(done.data).toMatchObject({ model: "gpt-test", conversationId: events[0]!.data.conversationId });
  });

  it("streams the safe reply for a hard stop", async () => {
    useOpenAi();
    const events = await readEvents(await POST(postJson("/api/chat", { message: IMMINENT }, { accept: "text/event-stream" })));
    expect(events.map((e) => e.event)).toEqual(["meta", "safety", "delta", "done"]);
    expect(events[1]!.data.level).toBe("imminent");
  });

  it("has stored a consented turn by the time the reply's done event is sent (a reload right after shows it)", async () => {
    useOpenAi({ reply: "The garden sounds like a good place." });
    // Upstash 40 ms away: the write takes a few round trips, longer than the reply's last events.
    const upstash = upstashEmulator();
    upstash.setLatency(40);
    server.use(...upstash.handlers);
    useEnv({
      UPSTASH_REDIS_REST_URL: TEST_UPSTASH_URL,
      UPSTASH_REDIS_REST_TOKEN: TEST_UPSTASH_TOKEN,
      CHAT_BACKEND_BUDGET_MS: "1000",
    });
    const events = await readEvents(
      await POST(postJson("/api/chat", { message: "The garden helped", consent: true }, { accept: "text/event-stream" })),
    );
    expect(events.at(-1)!.event).toBe("done");
    // No settleBackground(): what a client could read the moment it saw "done".
    const stored = await loadTurns(await kv(), events[0]!.data.conversationId as string);
    expect(stored.map((t) => t.content)).toEqual(["The garden helped", "The garden sounds like a good place."]);
  });

  it("saves the consented assistant turn even when the client disconnects mid-stream", async () => {
    useOpenAi({ chunkDelayMs: 30, reply: "One two three four five six seven eight nine ten." });
    const response = await POST(postJson("/api/chat", { message: "hello there", consent: true }, { accept: "text/event-stream" }));
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const conversationId = JSON.parse(/^data: (.*)$/m.exec(first)![1]!).conversationId as string;
    await reader.cancel();
    await settleBackground();
    const stored = await loadTurns(await kv(), conversationId);
    expect(stored[1]).toMatchObject({ role: "assistant", content: "One two three four five six seven eight nine ten." });
  });
});

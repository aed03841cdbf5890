import { describe, expect, it } from "vitest";
import { judgeEnabled, judgeRisk, levelFromVerdict, type JudgeVerdict } from "../../lib/safety/judge.js";
import { capturedLogs } from "../support/logs.js";
import { server } from "../support/msw.js";
import { NO_RISK_VERDICT, openAiEmulator, TEST_OPENAI_URL, type JudgeEmulatorOptions } from "../support/openai-emulator.js";
import { useEnv } from "../support/env.js";

const MESSAGE = "I want to die, and I wrote a secret sentence about the lake house";
const HISTORY = ["I've been hopeless lately", "the quiet secret is I stopped eating"];
const MESSAGE_FRAGMENTS = ["want to die", "secret sentence", "lake house", "hopeless lately", "quiet secret", "stopped eating"];

function verdict(overrides: { level?: string; categories?: string[]; dimensions?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    ...NO_RISK_VERDICT,
    ...overrides,
    dimensions: { ...NO_RISK_VERDICT.dimensions, ...overrides.dimensions },
  };
}

const HIGH = verdict({ level: "high", categories: ["suicidal_ideation"], dimensions: { wish_to_be_dead: true, active_ideation: true } });

function useJudge(judge: JudgeEmulatorOptions = {}, env: Record<string, string> = {}) {
  useEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: TEST_OPENAI_URL, SAFETY_JUDGE_MODEL: "judge-test", ...env });
  const emulator = openAiEmulator({ judge });
  server.use(...emulator.handlers);
  return emulator;
}

function logsSince(start: number): string {
  return capturedLogs.slice(start).join("\n").toLowerCase();
}

describe("judgeRisk", () => {
  it("returns a valid verdict", async () => {
    useJudge({ verdict: HIGH });
    const result = await judgeRisk({ message: MESSAGE, history: HISTORY });
    expect(result).toEqual(HIGH);
  });

  it("raises a self-inconsistent verdict to what its dimensions imply", async () => {
    const inconsistent = verdict({ level: "low", categories: [], dimensions: { active_ideation: true, plan: true, timeline: "now" } });
    useJudge({ verdict: inconsistent });
    const result = await judgeRisk({ message: MESSAGE, history: [] });
    expect(result?.level).toBe("imminent");
    expect(result?.categories).toContain("suicidal_ideation");
  });

  it("sends one structured-output request: store false, the configured model, temperature 0, the history oldest first", async () => {
    const emulator = useJudge({ verdict: HIGH });
    await judgeRisk({ message: MESSAGE, history: HISTORY });
    expect(emulator.judgeRequests).toHaveLength(1);
    expect(emulator.completions).toHaveLength(0);
    const request = emulator.judgeRequests[0]!;
    expect(request).toMatchObject({
      model: "judge-test",
      store: false,
      temperature: 0,
      response_format: { type: "json_schema", json_schema: { strict: true } },
    });
    expect(request.max_completion_tokens).toBeLessThanOrEqual(500);
    const schema = JSON.stringify((request.response_format as { json_schema: { schema: unknown } }).json_schema.schema);
    for (const field of ["wish_to_be_dead", "attempt_in_progress", "timeline", "concern_for_other", "imminent"])
      expect(schema).toContain(field);
    const messages = request.messages as { role: string; content: string }[];
    expect(messages[0]!.role).toBe("system");
    const user = JSON.parse(messages[1]!.content) as { earlier_messages: string[]; latest_message: string };
    expect(user).toEqual({ earlier_messages: HISTORY, latest_message: MESSAGE });
  });

  it("resolves null within the timeout when the judge is slow", async () => {
    useJudge({ verdict: HIGH, delayMs: 2000 }, { SAFETY_JUDGE_TIMEOUT_MS: "200" });
    const started = Date.now();
    const result = await judgeRisk({ message: MESSAGE, history: HISTORY });
    expect(result).toBeNull();
    expect(Date.now() - started).toBeLessThan(200 + 300);
  });

  it("resolves null at once when the caller aborts", async () => {
    const controller = new AbortController();
    useJudge({ verdict: HIGH, delayMs: 2000, onRequest: () => controller.abort() });
    const pending = judgeRisk({ message: MESSAGE, history: [], signal: controller.signal });
    const started = Date.now();
    expect(await pending).toBeNull();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it.each<[string, JudgeEmulatorOptions, string]>([
    ["a refusal", { refusal: "I can't help with that." }, "refusal"],
    ["malformed JSON", { malformed: true }, "malformed"],
    ["a schema violation", { verdict: { level: "severe", categories: ["suicidal_ideation"], dimensions: {} } }, "schema"],
    ["a missing dimension", { verdict: { ...HIGH, dimensions: { active_ideation: true } } }, "schema"],
    ["a 500", { failWith: 500 }, "http_500"],
    ["a 429", { failWith: 429 }, "http_429"],
  ])("resolves null on %s, logging only a reason code", async (_name, options, reason) => {
    const emulator = useJudge(options);
    const start = capturedLogs.length;
    expect(await judgeRisk({ message: MESSAGE, history: HISTORY })).toBeNull();
    expect(emulator.judgeRequests).toHaveLength(1); // no retries
    const logs = logsSince(start);
    expect(logs).toContain("safety.judge.unavailable");
    expect(logs).toContain(`"reason":"${reason}"`);
    for (const fragment of MESSAGE_FRAGMENTS) expect(logs).not.toContain(fragment);
    expect(logs).not.toContain("can't help");
  });

  it("never logs the message, the history or the model's output", async () => {
    useJudge({ verdict: HIGH });
    const start = capturedLogs.length;
    await judgeRisk({ message: MESSAGE, history: HISTORY });
    const logs = logsSince(start);
    expect(logs).toContain("safety.judge.verdict");
    for (const fragment of MESSAGE_FRAGMENTS) expect(logs).not.toContain(fragment);
  });

  it("makes no request and resolves null when disabled", async () => {
    const emulator = useJudge({ verdict: HIGH }, { SAFETY_JUDGE: "off" });
    expect(await judgeRisk({ message: MESSAGE, history: [] })).toBeNull();
    expect(emulator.judgeRequests).toHaveLength(0);
  });
});

describe("judgeEnabled", () => {
  it("is on by default with an OpenAI key", () => {
    useEnv({ OPENAI_API_KEY: "sk-test" });
    expect(judgeEnabled()).toBe(true);
  });

  it("is off without an OpenAI key", () => {
    expect(judgeEnabled()).toBe(false);
  });

  it("is off with SAFETY_JUDGE=off", () => {
    useEnv({ OPENAI_API_KEY: "sk-test", SAFETY_JUDGE: "off" });
    expect(judgeEnabled()).toBe(false);
  });

  it("is off when the judge's configuration is invalid", () => {
    useEnv({ OPENAI_API_KEY: "sk-test", SAFETY_JUDGE_TIMEOUT_MS: "50" });
    expect(judgeEnabled()).toBe(false);
  });
});

describe("levelFromVerdict", () => {
  const base = NO_RISK_VERDICT as unknown as JudgeVerdict;
  const rate = (level: JudgeVerdict["level"], dimensions: Partial<JudgeVerdict["dimensions"]>) =>
    levelFromVerdict({ level, dimensions: { ...base.dimensions, ...dimensions } });

  it("keeps a consistent level", () => {
    expect(rate("none", {})).toBe("none");
    expect(rate("low", {})).toBe("low");
    expect(rate("high", { active_ideation: true })).toBe("high");
  });

  it("never lowers the reported level", () => {
    expect(rate("imminent", {})).toBe("imminent");
  });

  it("derives the level from the dimensions", () => {
    expect(rate("none", { wish_to_be_dead: true })).toBe("medium");
    expect(rate("low", { active_ideation: true })).toBe("high");
    expect(rate("low", { harm_to_others: true })).toBe("high");
    expect(rate("none", { danger_from_others: true })).toBe("high");
    expect(rate("medium", { intent: true, timeline: "soon" })).toBe("imminent");
    expect(rate("high", { active_ideation: true, method: true })).toBe("imminent");
    expect(rate("high", { harm_to_others: true, preparatory_acts: true })).toBe("imminent");
    expect(rate("none", { attempt_in_progress: true })).toBe("imminent");
    expect(rate("none", { timeline: "now" })).toBe("none");
  });
});

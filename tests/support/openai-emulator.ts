// OpenAI behind msw: Chat Completions (streamed as SSE chunks, or whole) and Moderations, with
// the vendor's error body shape. Every request is recorded so tests can assert what was sent —
// or that nothing was. Structured-output requests (the risk judge) are answered and recorded apart.
import { http, HttpResponse } from "msw";

export const TEST_OPENAI_URL = "https://api.openai.test/v1";

export interface OpenAiEmulatorOptions {
  reply?: string;
  model?: string;
  moderation?: { "self-harm"?: number; "self-harm/intent"?: number; "self-harm/instructions"?: number } | "unavailable";
  failWith?: number;
  delayMs?: number;
  /** Pause between streamed chunks, to let a client disconnect mid-stream. */
  chunkDelayMs?: number;
  /** How the risk judge is answered (requests whose response_format is json_schema). */
  judge?: JudgeEmulatorOptions;
}

/** The risk judge's answer: a verdict (any object, so a schema violation too), a refusal, malformed JSON, an error, or a delay. */
export interface JudgeEmulatorOptions {
  verdict?: Record<string, unknown>;
  refusal?: string;
  malformed?: boolean;
  failWith?: number;
  delayMs?: number;
  /** Called as each judge request arrives, before it is answered: a test acts at that moment, not after a guessed delay. */
  onRequest?: () => void;
}

/** A benign verdict, the judge's default answer. */
export const NO_RISK_VERDICT = {
  dimensions: {
    wish_to_be_dead: false,
    active_ideation: false,
    method: false,
    intent: false,
    plan: false,
    preparatory_acts: false,
    timeline: "none",
    harm_to_others: false,
    danger_from_others: false,
    attempt_in_progress: false,
  },
  level: "none",
  categories: [],
};

export function openAiEmulator(options: OpenAiEmulatorOptions = {}) {
  const completions: Record<string, unknown>[] = [];
  const moderations: Record<string, unknown>[] = [];
  const judgeRequests: Record<string, unknown>[] = [];
  const model = options.model ?? "gpt-test";
  const reply = options.reply ?? "That sounds like a lot to hold. What has today been like for you?";
  // Retryable errors come without a body: the SDK cancels an error body before it retries, and
  // cancelling a body msw produced never settles on Node 20 (the real fetch is fine). The SDK
  // reads the status, which is what the code under test depends on.
  const error = (status: number) => new HttpResponse(null, { status, headers: { "x-request-id": "req_test" } });

  const handlers = [
    http.post(`${TEST_OPENAI_URL}/chat/completions`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      const isJudge = (body.response_format as { type?: unknown } | undefined)?.type === "json_schema";
      (isJudge ? judgeRequests : completions).push(body);
      if (request.headers.get("authorization") !== "Bearer sk-test") {
        return HttpResponse.json(
          { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } },
          { status: 401 },
        );
      }
      if (isJudge) {
        const judge = options.judge ?? {};
        judge.onRequest?.();
        if (judge.delayMs) await new Promise((resolve) => setTimeout(resolve, judge.delayMs));
        if (judge.failWith) return error(judge.failWith);
        const message = judge.refusal
          ? { role: "assistant", content: null, refusal: judge.refusal }
          : {
              role: "assistant",
              content: judge.malformed ? '{"level": "high", "dimensions": {' : JSON.stringify(judge.verdict ?? NO_RISK_VERDICT),
              refusal: null,
            };
        return HttpResponse.json({
          id: "chatcmpl-judge",
          object: "chat.completion",
          created: 1,
          model: String(body.model ?? model),
          choices: [{ index: 0, message, finish_reason: "stop", logprobs: null }],
        });
      }
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.failWith) return error(options.failWith);
      if (!body.stream) {
        return HttpResponse.json({
          id: "chatcmpl-test",
          object: "chat.completion",
          created: 1,
          model,
          choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
        });
      }
      const encoder = new TextEncoder();
      const pieces = reply.match(/\S+\s*/g) ?? [reply];
      const stream = new ReadableStream({
        async start(controller) {
          for (const piece of pieces) {
            const chunk = {
              id: "chatcmpl-test",
              object: "chat.completion.chunk",
              created: 1,
              model,
              choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
            };
            controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
            if (options.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, options.chunkDelayMs));
          }
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
        },
      });
      return new HttpResponse(stream, { headers: { "content-type": "text/event-stream" } });
    }),
    http.get(`${TEST_OPENAI_URL}/models`, async ({ request }) => {
      if (request.headers.get("authorization") !== "Bearer sk-test") {
        return HttpResponse.json(
          { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } },
          { status: 401 },
        );
      }
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.failWith) return error(options.failWith);
      return HttpResponse.json({ object: "list", data: [{ id: model, object: "model", created: 1, owned_by: "test" }] });
    }),
    http.post(`${TEST_OPENAI_URL}/moderations`, async ({ request }) => {
      moderations.push((await request.json()) as Record<string, unknown>);
      if (options.moderation === "unavailable")
        return HttpResponse.json({ error: { message: "Not found", type: "invalid_request_error" } }, { status: 404 });
      const scores = { "self-harm": 0.001, "self-harm/intent": 0.001, "self-harm/instructions": 0.001, ...(options.moderation ?? {}) };
      return HttpResponse.json({
        id: "modr-test",
        model: "omni-moderation-latest",
        results: [{ flagged: Object.values(scores).some((s) => s > 0.5), categories: {}, category_scores: scores }],
      });
    }),
  ];
  return { handlers, completions, moderations, judgeRequests };
}

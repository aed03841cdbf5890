// OpenAI behind msw: Chat Completions (streamed as SSE chunks, or whole) and Moderations, with
// the vendor's error body shape. Every request is recorded so tests can assert what was sent —
// or that nothing was.
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
}

export function openAiEmulator(options: OpenAiEmulatorOptions = {}) {
  const completions: Record<string, unknown>[] = [];
  const moderations: Record<string, unknown>[] = [];
  const model = options.model ?? "gpt-test";
  const reply = options.reply ?? "That sounds like a lot to hold. What has today been like for you?";
  // Retryable errors come without a body: the SDK cancels an error body before it retries, and
  // cancelling a body msw produced never settles on Node 20 (the real fetch is fine). The SDK
  // reads the status, which is what the code under test depends on.
  const error = (status: number) => new HttpResponse(null, { status, headers: { "x-request-id": "req_test" } });

  const handlers = [
    http.post(`${TEST_OPENAI_URL}/chat/completions`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      completions.push(body);
      if (request.headers.get("authorization") !== "Bearer sk-test") {
        return HttpResponse.json({ error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } }, { status: 401 });
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
            const chunk = { id: "chatcmpl-test", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] };
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
        return HttpResponse.json({ error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } }, { status: 401 });
      }
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.failWith) return error(options.failWith);
      return HttpResponse.json({ object: "list", data: [{ id: model, object: "model", created: 1, owned_by: "test" }] });
    }),
    http.post(`${TEST_OPENAI_URL}/moderations`, async ({ request }) => {
      moderations.push((await request.json()) as Record<string, unknown>);
      if (options.moderation === "unavailable") return HttpResponse.json({ error: { message: "Not found", type: "invalid_request_error" } }, { status: 404 });
      const scores = { "self-harm": 0.001, "self-harm/intent": 0.001, "self-harm/instructions": 0.001, ...(options.moderation ?? {}) };
      return HttpResponse.json({
        id: "modr-test",
        model: "omni-moderation-latest",
        results: [{ flagged: Object.values(scores).some((s) => s > 0.5), categories: {}, category_scores: scores }],
      });
    }),
  ];
  return { handlers, completions, moderations };
}

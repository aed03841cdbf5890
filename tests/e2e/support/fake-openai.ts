// An OpenAI-compatible server on loopback for the E2E suite: the real `npm start` talks to it over
// HTTP exactly as it would to OpenAI (OPENAI_BASE_URL). Replies stream word by word with a pause,
// so the page's streaming, typing state and Stop button can be seen working; moderation scores 0.
import http from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_REPLY =
  "Thank you for telling me about your morning. It sounds like the walk by the river gave you some room to breathe. What felt different about today compared with last week?";

export interface FakeOpenAi {
  url: string;
  completions: number;
  close(): Promise<void>;
}

export async function startFakeOpenAi(options: { chunkDelayMs: number }): Promise<FakeOpenAi> {
  const state = { completions: 0 };
  const server = http.createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    // The handler is async; `void` hands its promise to nobody on purpose (it cannot reject).
    request.on(
      "end",
      () =>
        void (async () => {
          if (request.url?.endsWith("/moderations")) {
            const categoryScores = { "self-harm": 0.001, "self-harm/intent": 0.001, "self-harm/instructions": 0.001 };
            response.writeHead(200, { "content-type": "application/json" });
            response.end(
              JSON.stringify({
                id: "modr-e2e",
                model: "omni-moderation-latest",
                results: [{ flagged: false, categories: {}, category_scores: categoryScores }],
              }),
            );
            return;
          }
          if (!request.url?.endsWith("/chat/completions")) {
            response.writeHead(404, { "content-type": "application/json" });
            response.end(JSON.stringify({ error: { message: "not found" } }));
            return;
          }
          state.completions++;
          response.writeHead(200, { "content-type": "text/event-stream" });
          for (const piece of FAKE_REPLY.match(/\S+\s*/g) ?? []) {
            if (response.destroyed) return;
            const chunk = {
              id: "chatcmpl-e2e",
              object: "chat.completion.chunk",
              created: 1,
              model: "gpt-e2e",
              choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
            };
            response.write(`data: ${JSON.stringify(chunk)}\n\n`);
            await new Promise((resolve) => setTimeout(resolve, options.chunkDelayMs));
          }
          response.end("data: [DONE]\n\n");
        })(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get completions() {
      return state.completions;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

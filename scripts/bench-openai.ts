// An OpenAI-compatible server for the benchmarks: Chat Completions (streamed as SSE chunks, or
// whole) and Moderations, answering at once or after a fixed delay. Real HTTP on localhost, so
// the SDK, the local runner and the direct baseline all pay the same network cost.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const REPLY = "That sounds like a lot to hold. What has today been like for you? I am here with you.";

export interface EmulatedOpenAI {
  baseURL: string;
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startEmulatedOpenAI(): Promise<EmulatedOpenAI> {
  let delayMs = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
      const answer = () => {
        if (request.url?.endsWith("/moderations")) {
          const scores = { "self-harm": 0.001, "self-harm/intent": 0.001, "self-harm/instructions": 0.001 };
          response.writeHead(200, { "content-type": "application/json" });
          response.end(
            JSON.stringify({
              id: "modr-bench",
              model: "omni-moderation-latest",
              results: [{ flagged: false, categories: {}, category_scores: scores }],
            }),
          );
          return;
        }
        if (!request.url?.endsWith("/chat/completions")) {
          response.writeHead(404, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: { message: "Not found", type: "invalid_request_error" } }));
          return;
        }
        if (!body.stream) {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(
            JSON.stringify({
              id: "chatcmpl-bench",
              object: "chat.completion",
              created: 1,
              model: "gpt-bench",
              choices: [{ index: 0, message: { role: "assistant", content: REPLY }, finish_reason: "stop" }],
            }),
          );
          return;
        }
        response.writeHead(200, { "content-type": "text/event-stream" });
        for (const piece of REPLY.match(/\S+\s*/g) ?? [REPLY]) {
          const chunk = {
            id: "chatcmpl-bench",
            object: "chat.completion.chunk",
            created: 1,
            model: "gpt-bench",
            choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
          };
          response.write(`data: ${JSON.stringify(chunk)}\n\n`);
        }
        response.end("data: [DONE]\n\n");
      };
      // Moderation always answers at once: the delay stands for the model's own thinking time.
      if (delayMs && !request.url?.endsWith("/moderations")) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    setDelay: (ms) => void (delayMs = ms),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

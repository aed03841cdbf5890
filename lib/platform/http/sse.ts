// Server-sent events. The producer keeps running when the client goes away (its writes are then
// dropped), and it is handed to waitUntil, so work such as saving a consented turn finishes.
// Two framings: named events (`event:` + `data:`, this API's own stream) and the AI SDK's UI
// message stream (`data:` JSON chunks ending with `data: [DONE]`, what `useChat` reads).
import { runAfter } from "../background.js";

export type Send = (event: string, data: unknown) => void;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
};

/** The AI SDK UI message stream protocol, version 1 (the header `useChat` checks for). */
export const UI_MESSAGE_STREAM_HEADERS = { ...SSE_HEADERS, "x-vercel-ai-ui-message-stream": "v1", "x-accel-buffering": "no" };

function eventStream({
  name,
  produce,
  headers,
  end = "",
}: {
  name: string;
  produce: (write: (text: string) => void) => Promise<void>;
  headers: Record<string, string>;
  end?: string;
}): Response {
  const encoder = new TextEncoder();
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The client has gone (the stream is closed or cancelled): stop writing, nothing to report.
          open = false;
        }
      };
      runAfter(name, async () => {
        try {
          await produce(write);
          if (end) write(end);
        } finally {
          if (open) controller.close();
          open = false;
        }
      });
    },
    cancel() {
      open = false;
    },
  });
  return new Response(body, { headers });
}

export function sseResponse(name: string, produce: (send: Send) => Promise<void>): Response {
  return eventStream({
    name,
    produce: (write) => produce((event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)),
    headers: SSE_HEADERS,
  });
}

/** A UI message stream: each chunk one `data:` line of JSON, then `data: [DONE]`. */
export function uiMessageStreamResponse(
  name: string,
  produce: (write: (chunk: Record<string, unknown>) => void) => Promise<void>,
): Response {
  return eventStream({
    name,
    produce: (write) => produce((chunk) => write(`data: ${JSON.stringify(chunk)}\n\n`)),
    headers: UI_MESSAGE_STREAM_HEADERS,
    end: "data: [DONE]\n\n",
  });
}

export function wantsEventStream(request: Request): boolean {
  return (request.headers.get("accept") ?? "").includes("text/event-stream");
}

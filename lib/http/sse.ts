// Server-sent events. The producer keeps running when the client goes away (its writes are then
// dropped), and it is handed to waitUntil, so work such as saving a consented turn finishes.
import { runAfter } from "../background.js";

export type Send = (event: string, data: unknown) => void;

export function sseResponse(name: string, produce: (send: Send) => Promise<void>): Response {
  const encoder = new TextEncoder();
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send: Send = (event, data) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        } catch {
          open = false;
        }
      };
      runAfter(name, async () => {
        try {
          await produce(send);
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
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive" },
  });
}

export function wantsEventStream(request: Request): boolean {
  return (request.headers.get("accept") ?? "").includes("text/event-stream");
}

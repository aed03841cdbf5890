// POST /api/chat — one turn with the companion: crisis screen first, then the companion reply.
// JSON by default; server-sent events (meta, safety, delta, done) with Accept: text/event-stream.
import { startChat, ChatInput } from "../lib/companion/chat.js";
import { parseWith, readJson } from "../lib/http/body.js";
import { clientIp, handle } from "../lib/http/handler.js";
import { json } from "../lib/http/respond.js";
import { sseResponse, wantsEventStream } from "../lib/http/sse.js";
import { kv } from "../lib/kv/index.js";

export async function POST(request: Request): Promise<Response> {
  return handle("chat", async () => {
    const input = parseWith(ChatInput, await readJson(request, 128 * 1024));
    const session = await startChat(input, { headers: request.headers, ip: clientIp(request), kv });
    if (!wantsEventStream(request)) {
      return json(await session.run({ onSafety: () => undefined, onDelta: () => undefined }));
    }
    return sseResponse("chat.stream", async (send) => {
      send("meta", { conversationId: session.conversationId });
      const done = await session.run({
        onSafety: (safety) => send("safety", safety),
        onDelta: (text) => send("delta", { text }),
      });
      send("done", done);
    });
  });
}

// POST /api/chat — one turn with the companion: crisis assessment first, then the companion reply.
// JSON by default; server-sent events (meta, safety, delta, done) with Accept: text/event-stream;
// a body in the AI SDK's shape ({ id, messages }) gets the AI SDK UI message stream (useChat).
// A body that fails validation is still screened (lib/companion/endpoint.ts).
import { openChatTurn } from "../lib/companion/endpoint.js";
import { writeUiTurn } from "../lib/companion/ui-messages.js";
import { handle } from "../lib/platform/http/handler.js";
import { json } from "../lib/platform/http/respond.js";
import { sseResponse, uiMessageStreamResponse, wantsEventStream } from "../lib/platform/http/sse.js";

export async function POST(request: Request): Promise<Response> {
  return handle("chat", async () => {
    const opened = await openChatTurn(request);
    if ("refused" in opened) return opened.refused;
    const { turn } = opened;
    if (opened.ui) return uiMessageStreamResponse("chat.ui-stream", (write) => writeUiTurn(turn, write));
    if (!wantsEventStream(request)) return json(await turn.run({ onSafety: () => undefined, onDelta: () => undefined }));
    return sseResponse("chat.stream", async (send) => {
      send("meta", { conversationId: turn.conversationId });
      const done = await turn.run({ onSafety: (safety) => send("safety", safety), onDelta: (text) => send("delta", { text }) });
      send("done", done);
    });
  });
}

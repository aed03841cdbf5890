// GET /api/conversation?id=… — the turns stored for a consented conversation (so the page can show
// it again after a reload). DELETE /api/conversation?id=… — forget it now. The id is the
// conversationId /api/chat returned: 128 random bits, known only to the participant's browser.
import { CONVERSATION_ID, forgetConversation, loadTurns } from "../lib/companion/conversation.js";
import { ApiError } from "../lib/platform/http/errors.js";
import { clientIp, handle } from "../lib/platform/http/handler.js";
import { json } from "../lib/platform/http/respond.js";
import { kv } from "../lib/platform/kv/index.js";
import { enforceLimit } from "../lib/platform/ratelimit.js";

function conversationId(request: Request): string {
  const id = new URL(request.url).searchParams.get("id") ?? "";
  if (!CONVERSATION_ID.test(id))
    throw new ApiError("bad_request", "The 'id' query parameter must be the conversationId /api/chat returned.");
  return id;
}

export async function GET(request: Request): Promise<Response> {
  return handle("conversation.read", async () => {
    const id = conversationId(request);
    await enforceLimit("conversation:ip", clientIp(request));
    const turns = await loadTurns(await kv(), id);
    if (!turns.length)
      throw new ApiError("not_found", "Nothing is stored for this conversation (it was never consented to, was deleted, or has expired).");
    return json({ conversationId: id, turns: turns.map(({ role, content, at }) => ({ role, content, at })) });
  });
}

export async function DELETE(request: Request): Promise<Response> {
  return handle("conversation.delete", async () => {
    const id = conversationId(request);
    await enforceLimit("conversation:ip", clientIp(request));
    await forgetConversation(await kv(), id);
    return json({ status: "deleted", conversationId: id });
  });
}

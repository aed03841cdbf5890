// POST /api/chat — one turn with the companion: crisis assessment first, then the companion reply.
// JSON by default; server-sent events (meta, safety, delta, done) with Accept: text/event-stream;
// a body in the AI SDK's shape ({ id, messages }) gets the AI SDK UI message stream (useChat).
// A body that fails validation is still screened: a person at risk gets the crisis answer whatever
// else is wrong with the request.
import { ChatInput, hardStopSession, startChat, type ChatSession } from "../lib/companion/chat.js";
import { reportCrisis } from "../lib/delivery/drain.js";
import { ApiError } from "../lib/platform/http/errors.js";
import { parseWith, readJson } from "../lib/platform/http/body.js";
import { clientIp, handle } from "../lib/platform/http/handler.js";
import { json } from "../lib/platform/http/respond.js";
import { sseResponse, uiMessageStreamResponse, wantsEventStream } from "../lib/platform/http/sse.js";
import { chatBodyFromUi, isUiChatBody, writeUiTurn } from "../lib/companion/ui-messages.js";
import { kv } from "../lib/platform/kv/index.js";
import { chatAs, IDENTITY_ERROR_CODES } from "../lib/participants/auth.js";
import { records } from "../lib/platform/records/index.js";
import { assess, safetyView } from "../lib/safety/assess.js";
import { screenable } from "../lib/safety/input.js";
import { levelRank } from "../lib/safety/levels.js";

export async function POST(request: Request): Promise<Response> {
  return handle("chat", async () => {
    const raw = await readJson(request, 512 * 1024);
    const ui = isUiChatBody(raw);
    const body = ui ? chatBodyFromUi(raw) : raw;
    const parsed = ChatInput.safeParse(body);
    let session: ChatSession | null;
    try {
      // Acting under a Healing Name needs the participant's link (Authorization: Bearer).
      const input = parsed.success ? await chatAs(request, parsed.data, { kv, records, ip: clientIp(request) }) : null;
      session = input ? await startChat(input, { headers: request.headers, ip: clientIp(request), kv }) : crisisOnly(body, request);
    } catch (error) {
      // A crisis message is answered whatever is wrong with the link: identity never gates it.
      // The name is not the sender's to use here: the Crisis Event and the reply go without it.
      const crisis = error instanceof ApiError && IDENTITY_ERROR_CODES.has(error.code) ? crisisOnly({ ...(body as object), healingName: undefined }, request) : null;
      const limited = crisis ? null : limitedWithSafety(error, body, request);
      if (limited) return limited;
      if (!crisis) throw error;
      session = crisis;
    }
    if (!session) return parseWith(ChatInput, body) as never; // throws the 422 naming the invalid fields
    const turn = session;
    if (ui) return uiMessageStreamResponse("chat.ui-stream", (write) => writeUiTurn(turn, write));
    if (!wantsEventStream(request)) {
      return json(await turn.run({ onSafety: () => undefined, onDelta: () => undefined }));
    }
    return sseResponse("chat.stream", async (send) => {
      send("meta", { conversationId: turn.conversationId });
      const done = await turn.run({
        onSafety: (safety) => send("safety", safety),
        onDelta: (text) => send("delta", { text }),
      });
      send("done", done);
    });
  });
}

/** Over a chat limit or refused a link, someone at medium risk still gets the resources with the 4xx (a hard stop is never refused). */
function limitedWithSafety(error: unknown, body: unknown, request: Request): Response | null {
  if (!(error instanceof ApiError) || !IDENTITY_ERROR_CODES.has(error.code)) return null;
  const input = screenable(body, "message");
  const assessment = input && assess({ ...input, source: "chat", headers: request.headers }, { report: () => undefined });
  if (!assessment || levelRank(assessment.level) < levelRank("medium")) return null;
  return json({ error: { code: error.code, message: error.message }, safety: safetyView(assessment) }, { status: error.status, headers: error.headers });
}

/** An invalid body whose message is a crisis still gets the crisis answer (nothing is stored). */
function crisisOnly(body: unknown, request: Request): ChatSession | null {
  // Screened up to the length of a reflection: an over-long message is refused, but not before it is screened.
  const input = screenable(body, "message");
  if (!input) return null;
  const assessment = assess({ ...input, source: "chat", headers: request.headers, clientIp: clientIp(request) }, { report: reportCrisis });
  return assessment.hardStop ? hardStopSession(assessment, "") : null;
}

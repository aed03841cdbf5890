// The chat endpoint's behaviour up to the turn: read the body (plain or the AI SDK's shape), act
// under the participant's link, and open the turn. A body that fails validation is still
// screened: a person at risk gets the crisis answer whatever else is wrong with the request.
import { ChatInput, hardStopSession, startChat, type ChatSession } from "./chat.js";
import { reportCrisis } from "../delivery/after.js";
import { ApiError } from "../platform/http/errors.js";
import { parseWith, readJson } from "../platform/http/body.js";
import { clientIp } from "../platform/http/handler.js";
import { json } from "../platform/http/respond.js";
import { chatBodyFromUi, isUiChatBody } from "./ui-messages.js";
import { kv } from "../platform/kv/index.js";
import { chatAs, IDENTITY_ERROR_CODES } from "../participants/auth.js";
import { records } from "../platform/records/index.js";
import { assess, safetyView } from "../safety/assess.js";
import { screenable } from "../safety/input.js";
import { levelRank } from "../safety/levels.js";

/** The turn to run (and whether the body was the AI SDK's), or the refusal to send instead. */
export type OpenedTurn = { turn: ChatSession; ui: boolean } | { refused: Response };

export async function openChatTurn(request: Request): Promise<OpenedTurn> {
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
    const crisis =
      error instanceof ApiError && IDENTITY_ERROR_CODES.has(error.code)
        ? crisisOnly({ ...(body as object), healingName: undefined }, request)
        : null;
    const limited = crisis ? null : limitedWithSafety(error, body, request);
    if (limited) return { refused: limited };
    if (!crisis) throw error;
    session = crisis;
  }
  if (!session) return parseWith(ChatInput, body) as never; // throws the 422 naming the invalid fields
  return { turn: session, ui };
}

/** Over a chat limit or refused a link, someone at medium risk still gets the resources with the 4xx (a hard stop is never refused). */
function limitedWithSafety(error: unknown, body: unknown, request: Request): Response | null {
  if (!(error instanceof ApiError) || !IDENTITY_ERROR_CODES.has(error.code)) return null;
  const input = screenable(body, "message");
  const assessment = input && assess({ ...input, source: "chat", headers: request.headers }, { report: () => undefined });
  if (!assessment || levelRank(assessment.level) < levelRank("medium")) return null;
  return json(
    { error: { code: error.code, message: error.message }, safety: safetyView(assessment) },
    { status: error.status, headers: error.headers },
  );
}

/** An invalid body whose message is a crisis still gets the crisis answer (nothing is stored). */
function crisisOnly(body: unknown, request: Request): ChatSession | null {
  // Screened up to the length of a reflection: an over-long message is refused, but not before it is screened.
  const input = screenable(body, "message");
  if (!input) return null;
  const assessment = assess({ ...input, source: "chat", headers: request.headers, clientIp: clientIp(request) }, { report: reportCrisis });
  return assessment.hardStop ? hardStopSession(assessment, "") : null;
}

// The AI SDK's chat protocol (what `useChat` sends and reads), mapped onto the same chat turn as
// this API's own shape. A request `{ id, messages: UIMessage[] }` becomes the plain chat body: the
// last user message is the new message, the earlier turns are the history (used, and screened,
// only when nothing is stored for the conversation), and `id` is the conversationId when it is
// one (22–64 URL-safe characters); extra body fields (consent, healingName, country) pass as they are.
// The answer is the UI message stream: a `data-safety` part (level, categories, resources) before
// any text, then the reply as one text part — the crisis answer included.
import { randomUUID } from "node:crypto";
import { ApiError } from "../platform/http/errors.js";
import type { ChatSession } from "./chat.js";
import { CONVERSATION_ID } from "./conversation.js";

const HISTORY_TURNS = 20;
const TURN_CHARS = 4000;
const PASSED_THROUGH = ["consent", "healingName", "country"] as const;

interface UiMessageLike {
  role?: unknown;
  parts?: unknown;
  content?: unknown;
}

/** Whether a parsed body is in the AI SDK's shape rather than this API's own. */
export function isUiChatBody(body: unknown): body is { id?: unknown; messages: unknown[] } {
  return typeof body === "object" && body !== null && Array.isArray((body as { messages?: unknown }).messages) && !("message" in body);
}

function textOf(message: UiMessageLike): string {
  if (Array.isArray(message.parts)) {
    return message.parts
      .filter(
        (part: unknown): part is { type: "text"; text: string } =>
          typeof part === "object" &&
          part !== null &&
          (part as { type?: unknown }).type === "text" &&
          typeof (part as { text?: unknown }).text === "string",
      )
      .map((part) => part.text)
      .join("");
  }
  return typeof message.content === "string" ? message.content : "";
}

/** The plain chat body for a UI-shaped request; 422 when there is no user message to answer. */
export function chatBodyFromUi(body: { id?: unknown; messages: unknown[] } & Record<string, unknown>): Record<string, unknown> {
  const messages = body.messages.filter((m): m is UiMessageLike => typeof m === "object" && m !== null);
  const last = messages.at(-1);
  const message = last && last.role === "user" ? textOf(last) : "";
  if (!message.trim())
    throw new ApiError(
      "unprocessable_entity",
      "Invalid request body — messages: the last message must be a user message with a text part.",
    );
  const history = messages
    .slice(0, -1)
    .filter((m) => m.role === "user" || m.role === "assistant")
    .map((m) => ({ role: m.role as "user" | "assistant", content: textOf(m).slice(-TURN_CHARS) }))
    .filter((turn) => turn.content.trim())
    .slice(-HISTORY_TURNS);
  const chat: Record<string, unknown> = { message };
  if (history.length) chat.history = history;
  if (typeof body.id === "string" && CONVERSATION_ID.test(body.id)) chat.conversationId = body.id;
  for (const key of PASSED_THROUGH) if (body[key] !== undefined) chat[key] = body[key];
  return chat;
}

/** One turn as UI message chunks: start, data-safety, the text part, finish (with conversationId and model). */
export async function writeUiTurn(turn: ChatSession, write: (chunk: Record<string, unknown>) => void): Promise<void> {
  const textId = "text-1";
  let started = false;
  write({ type: "start", messageId: `msg-${randomUUID()}`, messageMetadata: { conversationId: turn.conversationId } });
  write({ type: "start-step" });
  const done = await turn.run({
    onSafety: (safety) => write({ type: "data-safety", data: safety }),
    onDelta: (delta) => {
      if (!started) write({ type: "text-start", id: textId });
      started = true;
      write({ type: "text-delta", id: textId, delta });
    },
  });
  if (started) write({ type: "text-end", id: textId });
  write({ type: "finish-step" });
  write({ type: "finish", messageMetadata: { conversationId: turn.conversationId, model: done.model } });
}

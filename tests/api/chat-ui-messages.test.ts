// /api/chat in the AI SDK's protocol: a request shaped as `useChat` sends it is answered with the
// UI message stream, read here by ai@5's own DefaultChatTransport and readUIMessageStream — the
// same code a Next.js app's useChat runs.
import { DefaultChatTransport, readUIMessageStream, type UIMessage } from "ai";
import { describe, expect, it } from "vitest";
import { POST } from "../../api/chat.js";
import { settleBackground } from "../../lib/platform/background.js";
import { postJson } from "../support/http.js";
import { server } from "../support/msw.js";
import { openAiEmulator, TEST_OPENAI_URL } from "../support/openai-emulator.js";
import { kvRows } from "../support/stores.js";
import { loadTurns } from "../../lib/companion/conversation.js";
import { kv } from "../../lib/platform/kv/index.js";
import { useEnv } from "../support/env.js";

const CHAT_ID = "AbCdEfGhIjKlMnOpQrStUv12"; // 24 URL-safe characters: a conversationId

function useOpenAi(reply?: string) {
  useEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: TEST_OPENAI_URL, OPENAI_MODEL: "gpt-test" });
  const emulator = openAiEmulator(reply ? { reply } : {});
  server.use(...emulator.handlers);
  return emulator;
}

const user = (id: string, text: string): UIMessage => ({ id, role: "user", parts: [{ type: "text", text }] });
const assistant = (id: string, text: string): UIMessage => ({ id, role: "assistant", parts: [{ type: "text", text }] });

/** One useChat turn: the AI SDK's transport posts to the handler, and its reader builds the message. */
async function useChatTurn(messages: UIMessage[], body: Record<string, unknown> = {}, chatId = CHAT_ID) {
  const seen: Response[] = [];
  const transport = new DefaultChatTransport<UIMessage>({
    api: "http://localhost/api/chat",
    body,
    fetch: async (url, init) => {
      const response = await POST(
        new Request(String(url), { ...init, headers: { ...(init?.headers as Record<string, string>), "x-forwarded-for": "203.0.113.9" } }),
      );
      seen.push(response);
      return response;
    },
  });
  const stream = await transport.sendMessages({
    chatId,
    messages,
    trigger: "submit-message",
    messageId: undefined,
    abortSignal: undefined,
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream<UIMessage>({ stream, terminateOnError: true })) last = message;
  await settleBackground();
  return { message: last!, response: seen[0]! };
}

const textOf = (m: UIMessage) => m.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
const safetyOf = (m: UIMessage) =>
  m.parts.find((p) => p.type === "data-safety") as { data: { level: string; resources?: { emergency: string | null } } } | undefined;

describe("POST /api/chat — the AI SDK UI message stream (useChat)", () => {
  it("answers { id, messages } with the UI message stream: a data-safety part, then the reply as text", async () => {
    useOpenAi("The garden sounds like a good place to rest.");
    const { message, response } = await useChatTurn([user("u1", "My garden is blooming")]);
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(message.role).toBe("assistant");
    expect(safetyOf(message)?.data).toEqual({ level: "none", categories: [] });
    expect(textOf(message)).toBe("The garden sounds like a good place to rest.");
    expect(message.parts.findIndex((p) => p.type === "data-safety")).toBeLessThan(message.parts.findIndex((p) => p.type === "text"));
    expect(message.metadata).toEqual({ conversationId: CHAT_ID, model: "gpt-test" });
  });

  it("frames every chunk as an SSE data line of JSON and ends with [DONE]", async () => {
    const response = await POST(postJson("/api/chat", { id: CHAT_ID, messages: [user("u1", "hello")] }));
    const text = await response.text();
    const blocks = text.trim().split("\n\n");
    expect(blocks.at(-1)).toBe("data: [DONE]");
    const chunks = blocks.slice(0, -1).map((b) => JSON.parse(b.replace(/^data: /, "")) as { type: string });
    expect(chunks.map((c) => c.type)).toEqual([
      "start",
      "start-step",
      "data-safety",
      "text-start",
      ...chunks.slice(4, -3).map(() => "text-delta"),
      "text-end",
      "finish-step",
      "finish",
    ]);
  });

  it("answers a crisis with the safe reply as text and a data-safety part with level and resources, calling no model", async () => {
    const openai = useOpenAi();
    const { message } = await useChatTurn([user("u1", "I want to kill myself tonight, I have the pills")], { country: "US" });
    expect(safetyOf(message)?.data).toMatchObject({ level: "imminent", resources: { country: "US", emergency: "911" } });
    expect(textOf(message)).toContain("call 911");
    expect(message.metadata).toMatchObject({ model: "safety" });
    expect(openai.completions).toHaveLength(0);
  });

  it("without consent, screens the earlier turns from the request too, and stores nothing", async () => {
    const openai = useOpenAi();
    const { message } = await useChatTurn(
      [
        user("u1", "I want to die"),
        assistant("a1", "I'm here with you."),
        user("u2", "I have thought about it all week"),
        assistant("a2", "Thank you for telling me."),
        user("u3", "tonight."),
      ],
      { country: "GB" },
    );
    expect(safetyOf(message)?.data).toMatchObject({ level: "imminent", resources: { emergency: "999" } });
    expect(openai.completions).toHaveLength(0);
    expect(kvRows().some((r) => r.key.startsWith("conversation:"))).toBe(false);
  });

  it("with consent, stores the turns under the chat id, and takes earlier turns from the store rather than the request", async () => {
    const openai = useOpenAi("That sounds lovely.");
    await useChatTurn([user("u1", "My garden is blooming")], { consent: true, healingName: "River" });
    expect(kvRows().find((r) => r.key === `conversation:${CHAT_ID}`)!.value).toMatch(/^sealed:v1:/);
    const stored = await loadTurns(await kv(), CHAT_ID);
    expect(stored.map((t) => t.content)).toEqual(["My garden is blooming", "That sounds lovely."]);

    // A client that rewrote its history cannot put words in the stored conversation.
    await useChatTurn([user("u1", "something I never said"), assistant("a1", "That sounds lovely."), user("u2", "And the roses too")], {
      consent: true,
    });
    const sent = (openai.completions[1]!.messages as { content: string }[]).map((m) => m.content);
    expect(sent).toEqual(expect.arrayContaining(["My garden is blooming", "And the roses too"]));
    expect(sent).not.toContain("something I never said");
  });

  it("refuses a body whose last message is not a user message with text, naming the field", async () => {
    const response = await POST(postJson("/api/chat", { id: CHAT_ID, messages: [assistant("a1", "hello")] }));
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("messages");
  });
});

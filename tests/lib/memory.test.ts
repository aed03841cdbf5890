// What a chat turn leaves behind once it has answered: nothing that keeps memory alive.
import { describe, expect, it, vi } from "vitest";
import { POST as chat } from "../../api/chat.js";
import { settleBackground } from "../../lib/platform/background.js";
import { withClientAddress } from "../../lib/platform/dev-server.js";
import { postJson } from "../support/http.js";
import { server } from "../support/msw.js";
import { openAiEmulator, TEST_OPENAI_URL } from "../support/openai-emulator.js";
import { useEnv } from "../support/env.js";

describe("per-turn resources", () => {
  it.each([false, true])("leaves no timer running once an OpenAI turn has answered (streamed: %s)", async (streamed) => {
    server.use(...openAiEmulator().handlers);
    useEnv({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: TEST_OPENAI_URL, OPENAI_MAX_RETRIES: "0" });
    await (await chat(postJson("/api/chat", { message: "warm up" }))).text(); // modules load on real timers
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const response = await chat(postJson("/api/chat", { message: "a calm morning" }, streamed ? { accept: "text/event-stream" } : {}));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("What has today been like for you?");
    await settleBackground();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("the local runner's client address", () => {
  it("replaces what the client claimed with the connection's address, on the same request object", () => {
    const request = postJson("/api/chat", { message: "hi" }, { "x-forwarded-for": "6.6.6.6" });
    const result = withClientAddress(request, "127.0.0.9");
    expect(result).toBe(request);
    expect(result.headers.get("x-forwarded-for")).toBe("127.0.0.9");
  });
});

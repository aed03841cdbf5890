// A backend that accepts connections and never answers must not hold up an answer: every backend
// call on the request path has a budget. Fake timers make this exact: the answer must be ready
// once 300 ms of (fake) time has passed, whatever the backends do.
import { http } from "msw";
import { describe, expect, it, vi } from "vitest";
import { POST as chat } from "../../api/chat.js";
import { POST as crisis } from "../../api/crisis.js";
import { TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { postJson } from "../support/http.js";
import { server } from "../support/msw.js";
import { TEST_UPSTASH_TOKEN, TEST_UPSTASH_URL } from "../support/upstash-emulator.js";
import { useEnv } from "../support/env.js";

const never = () => new Promise<never>(() => undefined);

function hangEveryBackend() {
  server.use(http.all(`${TEST_UPSTASH_URL}/*`, never), http.post(TEST_UPSTASH_URL, never), http.all("https://api.airtable.com/*", never));
  useEnv({
    UPSTASH_REDIS_REST_URL: TEST_UPSTASH_URL,
    UPSTASH_REDIS_REST_TOKEN: TEST_UPSTASH_TOKEN,
    AIRTABLE_API_KEY: TEST_TOKEN,
    AIRTABLE_BASE_ID: TEST_BASE_ID,
  });
}

/**
 * Send once on real timers (modules load, clients are built: real I/O a fake clock cannot
 * advance), then again on fake timers: the second answer must be ready after `ms`.
 */
async function readyWithin(ms: number, send: () => Promise<Response>): Promise<Response | undefined> {
  await send();
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
  let response: Response | undefined;
  void send().then((r) => (response = r));
  // Small steps, each followed by a real turn of the event loop, so work between timers runs.
  for (let elapsed = 0; elapsed < ms && !response; elapsed += 5) {
    await vi.advanceTimersByTimeAsync(5);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return response;
}

describe("request budgets with backends that never answer", () => {
  it("answers a benign chat (history, plan, both rate limits) within 300 ms", async () => {
    hangEveryBackend();
    const response = await readyWithin(300, () =>
      chat(
        postJson("/api/chat", {
          message: "I had a calmer morning today",
          healingName: "River",
          consent: true,
          conversationId: "a".repeat(22),
        }),
      ),
    );
    expect(response?.status).toBe(200);
    expect(await response!.json()).toMatchObject({ model: "offline", safety: { level: "none" } });
  });

  it("answers the first consented message of a conversation within 300 ms (the turn's write is not waited for)", async () => {
    hangEveryBackend();
    const response = await readyWithin(300, () =>
      chat(postJson("/api/chat", { message: "I had a calmer morning today", healingName: "River", consent: true })),
    );
    expect(response?.status).toBe(200);
    expect(await response!.json()).toMatchObject({ model: "offline", safety: { level: "none" } });
  });

  it("answers a low-level crisis check within 300 ms", async () => {
    hangEveryBackend();
    const response = await readyWithin(300, () => crisis(postJson("/api/crisis", { message: "I feel a bit low today" })));
    expect(response?.status).toBe(200);
    expect(await response!.json()).toMatchObject({ level: expect.any(String), resources: expect.any(Object) });
  });
});

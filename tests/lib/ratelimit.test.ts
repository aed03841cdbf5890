import { describe, expect, it, vi } from "vitest";
import { setKvForTesting } from "../../lib/platform/kv/index.js";
import { brokenKv } from "../support/broken.js";
import { checkLimit, enforceLimit, humanDuration, RATE_LIMIT_POLICIES } from "../../lib/platform/ratelimit.js";
import { server } from "../support/msw.js";
import { TEST_UPSTASH_TOKEN, TEST_UPSTASH_URL, upstashEmulator } from "../support/upstash-emulator.js";
import { useEnv } from "../support/env.js";

describe("rate limiting", () => {
  it("allows the policy's limit per window on the kv limiter, then refuses with Retry-After", async () => {
    vi.useFakeTimers({ toFake: ["Date"] }); // a window boundary mid-test would reset the count
    const { limit } = RATE_LIMIT_POLICIES["crisis:ip"];
    for (let i = 0; i < limit; i++) expect((await checkLimit("crisis:ip", "1.2.3.4")).success).toBe(true);
    const error = await enforceLimit("crisis:ip", "1.2.3.4").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: "rate_limited" });
    expect(Number((error as { headers: Record<string, string> }).headers["retry-after"])).toBeGreaterThan(0);
    expect((await checkLimit("crisis:ip", "5.6.7.8")).success).toBe(true);
  });

  it("starts a fresh window once the old one has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    for (let i = 0; i < 60; i++) await checkLimit("crisis:ip", "ip");
    expect((await checkLimit("crisis:ip", "ip")).success).toBe(false);
    vi.advanceTimersByTime(61_000);
    expect((await checkLimit("crisis:ip", "ip")).success).toBe(true);
  });

  it("uses @upstash/ratelimit when Upstash is configured", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const emulator = upstashEmulator();
    server.use(...emulator.handlers);
    useEnv({ UPSTASH_REDIS_REST_URL: TEST_UPSTASH_URL, UPSTASH_REDIS_REST_TOKEN: TEST_UPSTASH_TOKEN });
    const results = [];
    for (let i = 0; i < 21; i++) results.push(await checkLimit("chat:free", "River"));
    expect(results.slice(0, 20).every((r) => r.success)).toBe(true);
    expect(results[20]).toMatchObject({ success: false, remaining: 0, limit: 20 });
    expect(emulator.commands.some((c) => c[0] === "evalsha")).toBe(true);
  });

  it("fails open when kv is unreachable", async () => {
    setKvForTesting(brokenKv());
    expect((await checkLimit("reflection:ip", "ip")).success).toBe(true);
  });

  it("says a day-long wait in hours and minutes, and keeps Retry-After in seconds", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    // 21,414 seconds before the daily window resets.
    vi.setSystemTime(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 86_400_000 - 21_414_000);
    for (let i = 0; i < 20; i++) await checkLimit("chat:free", "River");
    const error = (await enforceLimit("chat:free", "River").catch((e: unknown) => e)) as {
      message: string;
      headers: Record<string, string>;
    };
    expect(error.message).toBe("Too many requests. Try again in 5 hours and 57 minutes.");
    expect(error.headers["retry-after"]).toBe("21414");
  });

  it.each([
    [1, "1 second"],
    [45, "45 seconds"],
    [89, "89 seconds"],
    [90, "2 minutes"],
    [600, "10 minutes"],
    [3600, "1 hour"],
    [3601, "1 hour and 1 minute"],
    [86_400, "24 hours"],
  ])("says %i seconds as %s", (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });
});

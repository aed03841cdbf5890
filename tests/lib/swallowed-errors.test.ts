// Work with a fallback (a cache, a webhook's claim) carries on when kv fails, and says so in the
// log — the event and the error's name and code, never its text.
import { beforeEach, describe, expect, it } from "vitest";
import { planOf } from "../../lib/billing/billing.js";
import { rememberEmail } from "../../lib/journeys/journeys.js";
import { ApiError } from "../../lib/platform/http/errors.js";
import { KvError, kv, setKvForTesting, type Kv } from "../../lib/platform/kv/index.js";
import { warnAndReturn } from "../../lib/platform/log.js";
import { records } from "../../lib/platform/records/index.js";
import { rememberUserId, resolveUsers } from "../../lib/participants/repository.js";
import { processOnce } from "../../lib/platform/webhooks.js";
import { brokenKv } from "../support/broken.js";
import { capturedLogs } from "../support/logs.js";

let firstLine = 0;
beforeEach(() => {
  firstLine = capturedLogs.length;
});

/** This test's log lines for one event. */
function logged(event: string): Record<string, unknown>[] {
  return capturedLogs
    .slice(firstLine)
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.event === event);
}

/** The embedded kv, with the named calls failing as Upstash's do when it is down. */
async function kvFailing(...calls: (keyof Kv)[]): Promise<Kv> {
  const real = await kv();
  return new Proxy(real, {
    get: (target, prop, receiver) =>
      calls.includes(prop as keyof Kv)
        ? () => Promise.reject(new KvError("Upstash failed: secret detail"))
        : (Reflect.get(target, prop, receiver) as unknown),
  });
}

describe("warnAndReturn", () => {
  it("answers the fallback and logs the event with the error's name and code, not its text", async () => {
    const value = await Promise.reject(new KvError("holds the value River wrote")).catch(warnAndReturn("test.fallback", 7, { step: "s1" }));
    expect(value).toBe(7);
    const [line] = logged("test.fallback");
    expect(line).toMatchObject({ level: "warn", step: "s1", errorName: "KvError", errorCode: "KV_UNAVAILABLE" });
    expect(JSON.stringify(line)).not.toContain("River");
  });
});

describe("a webhook's claim", () => {
  it("is a 503 with a reason in the log when kv is down", async () => {
    setKvForTesting(brokenKv());
    await expect(processOnce({ key: "claim:1", ttlSeconds: 60, name: "hook" }, () => Promise.resolve("done"))).rejects.toMatchObject({
      code: "service_unavailable",
    });
    expect(logged("hook.kv_unavailable")).toEqual([expect.objectContaining({ level: "warn", errorName: "KvError" })]);
  });

  it("that cannot be released after failed work is an error in the log (a retry would look like a duplicate)", async () => {
    setKvForTesting(await kvFailing("delete"));
    const failed = processOnce({ key: "claim:2", ttlSeconds: 60, name: "hook" }, () => Promise.reject(new Error("queue full")));
    await expect(failed).rejects.toBeInstanceOf(ApiError);
    expect(logged("hook.claim_not_released")).toEqual([expect.objectContaining({ level: "error", errorName: "KvError" })]);
  });

  it("is released when it can be, so the provider's retry does the work", async () => {
    await expect(
      processOnce({ key: "claim:3", ttlSeconds: 60, name: "hook" }, () => Promise.reject(new Error("queue full"))),
    ).rejects.toBeInstanceOf(ApiError);
    await expect(processOnce({ key: "claim:3", ttlSeconds: 60, name: "hook" }, () => Promise.resolve("done"))).resolves.toEqual({
      duplicate: false,
      result: "done",
    });
    expect(logged("hook.claim_not_released")).toEqual([]);
  });
});

describe("caches in kv", () => {
  it("a participant's plan still comes from the records when its cache fails, and the log says why", async () => {
    const store = await records();
    await store.create("Users", [{ "Healing Name": "River", Plan: "member" }]);
    expect(await planOf({ kv: brokenKv(), records }, "River")).toBe("member");
    expect(logged("billing.plan_cache_unavailable").map((line) => line.errorName)).toEqual(["KvError", "KvError"]);
  });

  it("a Users record id is still resolved (and created) when its cache fails", async () => {
    const store = await records();
    const users = await resolveUsers(["Willow"], { records: store, kv: brokenKv() });
    const [user] = await store.find("Users", { "Healing Name": "Willow" }, { limit: 1 });
    expect(users.get("Willow")?.id).toBe(user!.id);
    // One failed read, one failed write.
    expect(logged("reflections.user_cache_unavailable")).toHaveLength(2);
  });

  it("remembering a user id or an email is best effort, and a failure is logged", async () => {
    await expect(rememberUserId(brokenKv(), "Willow", "rec1")).resolves.toBeUndefined();
    await expect(rememberEmail(brokenKv(), "Willow", "willow@example.com")).resolves.toBeUndefined();
    expect(logged("reflections.user_cache_unavailable")).toHaveLength(1);
    const [emailLine] = logged("journeys.email_cache_unavailable");
    expect(emailLine).toMatchObject({ level: "warn", errorName: "KvError" });
    expect(capturedLogs.slice(firstLine).join("\n")).not.toContain("willow@example.com");
  });
});

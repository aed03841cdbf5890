// The whole flow on the production backends — Airtable for records, Upstash for kv — through
// their emulators: what the SQLite-backed tests show must hold here too.
import { describe, expect, it, vi } from "vitest";
import { POST as chat } from "../../api/chat.js";
import { GET as drainCron } from "../../api/cron/drain.js";
import { GET as health } from "../../api/health.js";
import { POST as reflection } from "../../api/reflection.js";
import { settleBackground } from "../../lib/platform/background.js";
import { get, postJson } from "../support/http.js";
import { useVendorStores } from "../support/stack.js";

const productionStack = () => useVendorStores();

describe("on Airtable and Upstash", () => {
  it("reports the vendor backends", async () => {
    productionStack();
    expect((await (await health()).json()).backends).toMatchObject({ records: "airtable", kv: "upstash" });
  });

  it("queues a reflection in Upstash during the lockout and writes it to Airtable once afterwards", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { airtable, upstash } = productionStack();
    airtable.outage(429, 1);
    const response = await reflection(
      postJson("/api/reflection", { healingName: "River", reflection: "steady", submissionId: "upstash-flow-1" }),
    );
    expect(response.status).toBe(202);
    await settleBackground();
    expect(upstash.keys()).toContain("outbox:step:reflection:upstash-flow-1");
    vi.advanceTimersByTime(61_000);
    expect((await (await drainCron(get("/api/cron/drain"))).json()).succeeded).toBeGreaterThanOrEqual(1);
    await drainCron(get("/api/cron/drain"));
    expect(airtable.rows("Reflections").map((r) => r.fields["Submission ID"])).toEqual(["upstash-flow-1"]);
  });

  it("stores a consented conversation in Upstash with its TTL, records a Crisis Event in Airtable, and limits with @upstash/ratelimit", async () => {
    const { airtable, upstash } = productionStack();
    const calm = await (await chat(postJson("/api/chat", { message: "a calm morning", consent: true }))).json();
    await settleBackground();
    expect(upstash.ttlSeconds(`conversation:${calm.conversationId}`)).toBeGreaterThan(29 * 86_400);
    expect(upstash.commands.some((c) => c[0] === "evalsha")).toBe(true);

    const crisis = await (
      await chat(postJson("/api/chat", { message: "I want to kill myself tonight, I have the pills", healingName: "River" }))
    ).json();
    expect(crisis.safety.level).toBe("imminent");
    await settleBackground();
    expect(airtable.rows("Crisis Events").map((r) => r.fields.Level)).toEqual(["imminent"]);
  });
});

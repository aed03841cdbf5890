// The typed outbox: payloads are checked against their kind at compile time (npm test runs tsc
// first, so an unused @ts-expect-error fails the run), handlers return their results, and the
// retry policy — the outbox's own errors, a vendor's mapping, per-kind attempts and backoff —
// decides what happens next in one place.
import { describe, expect, it } from "vitest";
import { kv } from "../../lib/platform/kv/index.js";
import {
  drain,
  enqueue,
  failedSteps,
  getStep,
  PermanentStepError,
  RetryableStepError,
  type StepHandlers,
} from "../../lib/platform/outbox/outbox.js";
import type { JourneyStepPayload } from "../../lib/journeys/journeys.js";
import { stepHandlers } from "../../lib/delivery/drain.js";
import "../support/test-steps.js";

const journey: JourneyStepPayload = {
  event: "intake.completed",
  key: "intake",
  healingName: "River",
  addTags: ["welcome"],
  removeTags: [],
  mergeFields: {},
};

describe("the typed registry", () => {
  it("accepts a payload of the kind's type, and refuses another at compile time", async () => {
    const store = await kv();
    const step = await enqueue(store, { kind: "mailchimp.member", id: "m1", payload: journey });
    expect(step).toMatchObject({ kind: "mailchimp.member", status: "pending", payload: { healingName: "River" } });
    const wrong = enqueue(store, {
      kind: "mailchimp.member",
      id: "m2",
      // @ts-expect-error a billing event is not a journey step's payload
      payload: { id: "evt_1", type: "invoice.paid", created: 1, object: {} },
    });
    await wrong; // stored all the same at run time: the guarantee is the compiler's
    // @ts-expect-error an unknown kind is refused too
    void enqueue(store, { kind: "mailchimp.upsert", payload: journey });
    const handlers: Partial<StepHandlers> = {
      // @ts-expect-error a handler must take its kind's payload
      "crisis.alert": { batchSize: 1, run: async (payloads: number[]) => void payloads },
    };
    expect(Object.keys(handlers)).toEqual(["crisis.alert"]);
  });

  it("the product's registry has a handler for every kind a feature declares (checked at compile time)", () => {
    const registry: StepHandlers = stepHandlers();
    const { "crisis.alert": _dropped, ...incomplete } = registry;
    // @ts-expect-error a registry without the crisis alert's handler is not a StepHandlers
    const missing: StepHandlers = incomplete;
    expect(Object.keys(registry)).toContain("crisis.alert");
    expect(Object.keys(missing)).not.toContain("crisis.alert");
    expect(Object.keys(registry)).not.toContain("test.step"); // a test kind is not the product's to handle
  });
});

async function runOnce(run: () => Promise<unknown>, options: { maxAttempts?: number; backoffMs?: () => number } = {}) {
  const store = await kv();
  await enqueue(store, { kind: "test.step", id: "s1", payload: {}, now: 1_000 });
  const result = await drain(store, { "test.step": { batchSize: 1, run: run as () => Promise<void>, ...options } }, { now: () => 2_000 });
  return { result, step: await getStep(store, "s1"), failed: await failedSteps(store) };
}

describe("results returned, not thrown", () => {
  it("a returned outcome finishes the step with it", async () => {
    const { result, step } = await runOnce(async () => ({ done: true, outcome: "nothing to send" }));
    expect(result).toMatchObject({ succeeded: 1, failed: 0 });
    expect(step).toMatchObject({ status: "done", outcome: "nothing to send" });
  });

  it("a returned notReady waits without counting toward the dead letter, then gives up with its outcome", async () => {
    const waiting = await runOnce(async () => ({ notReady: "no email yet", giveUpAfterMs: 10_000, outcome: "gave up" }));
    expect(waiting.step).toMatchObject({ status: "pending", lastError: "NotReadyYet: NOT_READY" });
    const store = await kv();
    await enqueue(store, { kind: "test.step", id: "old", payload: {}, now: 0 });
    await drain(
      store,
      { "test.step": { batchSize: 1, run: async () => ({ notReady: "still none", giveUpAfterMs: 10_000, outcome: "gave up" }) } },
      { ids: ["old"], now: () => 20_000 },
    );
    expect(await getStep(store, "old")).toMatchObject({ status: "done", outcome: "gave up" });
  });
});

describe("one retry policy", () => {
  it("a PermanentStepError is dead-lettered at once", async () => {
    const { step, failed } = await runOnce(() => Promise.reject(new PermanentStepError("refused")));
    expect(step).toMatchObject({ status: "failed", attempts: 1, lastError: "PermanentStepError: PERMANENT" });
    expect(failed.map((s) => s.id)).toEqual(["s1"]);
  });

  it("a RetryableStepError comes back no sooner than its retry-after", async () => {
    const { step } = await runOnce(() => Promise.reject(new RetryableStepError("busy", { retryAfterMs: 7_200_000 })));
    expect(step).toMatchObject({ status: "pending", attempts: 1 });
    expect(step!.nextAttemptAt).toBe(2_000 + 7_200_000);
  });

  it("a pacing wait is not an attempt", async () => {
    const { step } = await runOnce(() => Promise.reject(new RetryableStepError("no slot", { pacing: true, retryAfterMs: 500 })));
    expect(step).toMatchObject({ status: "pending", attempts: 0 });
    expect(step!.nextAttemptAt).toBeGreaterThanOrEqual(2_500);
  });

  it("a kind's own attempt limit and backoff are used", async () => {
    const { step, failed } = await runOnce(() => Promise.reject(new RetryableStepError("down")), { maxAttempts: 1 });
    expect(step).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed).toHaveLength(1);
    const store = await kv();
    await enqueue(store, { kind: "test.step", id: "s2", payload: {}, now: 1_000 });
    await drain(
      store,
      { "test.step": { batchSize: 1, run: () => Promise.reject(new Error("socket hang up")), backoffMs: () => 42 } },
      { ids: ["s2"], now: () => 2_000 },
    );
    expect(await getStep(store, "s2")).toMatchObject({ status: "pending", nextAttemptAt: 2_042 });
  });
});

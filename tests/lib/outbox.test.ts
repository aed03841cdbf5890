import { describe, expect, it } from "vitest";
import { kv } from "../../lib/platform/kv/index.js";
import { drain, enqueue, failedSteps, getStep, pendingSteps } from "../../lib/platform/outbox/outbox.js";
import { RecordsError } from "../../lib/platform/records/index.js";

async function runOnce(error: Error) {
  const store = await kv();
  await enqueue(store, { kind: "test.step", id: "s1", payload: {} });
  const result = await drain(store, { "test.step": { batchSize: 1, run: () => Promise.reject(error) } });
  return { result, step: await getStep(store, "s1"), failed: await failedSteps(store), pending: await pendingSteps(store) };
}

describe("outbox: which failures are retried", () => {
  it.each([
    ["a TypeError from reading a wrong shape", new TypeError("Cannot read properties of null (reading 'object')")],
    ["a ReferenceError", new ReferenceError("x is not defined")],
    ["a RangeError", new RangeError("Invalid time value")],
  ])("sends %s to the failed steps at once", async (_case, error) => {
    const { result, step, pending } = await runOnce(error);
    expect(result).toMatchObject({ failed: 1, retried: 0 });
    expect(step).toMatchObject({ status: "failed", attempts: 1 });
    expect(pending).toEqual([]);
  });

  it.each([
    ["a network failure (fetch failed)", Object.assign(new TypeError("fetch failed"), { cause: new Error("ECONNRESET") })],
    ["a records outage", new RecordsError("UNAVAILABLE", "down")],
    ["an unknown vendor error", new Error("socket hang up")],
  ])("retries %s later", async (_case, error) => {
    const { result, step, failed } = await runOnce(error);
    expect(result).toMatchObject({ failed: 0, retried: 1 });
    expect(step).toMatchObject({ status: "pending", attempts: 1 });
    expect(failed).toEqual([]);
  });
});

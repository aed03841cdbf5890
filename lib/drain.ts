// Wires every outbox step kind to its handler, and runs the drain — from the cron endpoint, the
// `npm run drain` script, and opportunistically after requests (one drainer at a time).
import { runAfter } from "./background.js";
import { kv } from "./kv/index.js";
import { drain, hasDueSteps, type DrainResult, type StepHandlers } from "./outbox.js";
import { records } from "./records/index.js";
import { REFLECTION_STEP, reflectionStepHandler } from "./reflections.js";

const stores = async () => ({ records: await records(), kv: await kv() });

export function stepHandlers(): StepHandlers {
  return {
    [REFLECTION_STEP]: reflectionStepHandler(stores),
  };
}

export async function drainOutbox(options: { limit?: number } = {}): Promise<DrainResult> {
  return drain(await kv(), stepHandlers(), options);
}

const DRAIN_LOCK = "outbox:drain-lock";

/** After the response: if anything is due and nobody else is draining, drain a little. */
export function drainSoon(): void {
  runAfter("outbox.drain", async () => {
    const store = await kv();
    if (!(await hasDueSteps(store))) return;
    if (!(await store.setIfAbsent(DRAIN_LOCK, "1", { ttlSeconds: 60 }))) return;
    try {
      await drain(store, stepHandlers(), { limit: 20 });
    } finally {
      await store.delete(DRAIN_LOCK);
    }
  });
}

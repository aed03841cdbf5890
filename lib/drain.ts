// Wires every outbox step kind to its handler, and runs the drain — from the cron endpoint, the
// `npm run drain` script, and opportunistically after requests (one drainer at a time).
import { runAfter } from "./background.js";
import { CRISIS_ALERT_STEP, CRISIS_RECORD_STEP, crisisAlertHandler, crisisRecordHandler, enqueueCrisisEvent, isRepeat, type CrisisEventPayload } from "./crisis-events.js";
import { describeError, log } from "./log.js";
import { kv } from "./kv/index.js";
import { drain, hasDueSteps, type DrainResult, type StepHandlers } from "./outbox.js";
import { records } from "./records/index.js";
import { REFLECTION_STEP, reflectionStepHandler } from "./reflections.js";
import { CONSENT_STEP, consentStepHandler } from "./users.js";
import { journeyStepHandlers } from "./journeys.js";
import { intakeStepHandlers } from "./intake.js";
import { BILLING_STEP, billingStepHandler } from "./billing.js";
import { within } from "./timeout.js";

const stores = async () => ({ records: await records(), kv: await kv() });

export function stepHandlers(): StepHandlers {
  return {
    [REFLECTION_STEP]: reflectionStepHandler(stores),
    [CRISIS_RECORD_STEP]: crisisRecordHandler(stores),
    [CRISIS_ALERT_STEP]: crisisAlertHandler,
    [CONSENT_STEP]: consentStepHandler(stores),
    ...journeyStepHandlers(stores),
    ...intakeStepHandlers(stores),
    [BILLING_STEP]: billingStepHandler(stores),
  };
}

export async function drainOutbox(options: { limit?: number } = {}): Promise<DrainResult> {
  return drain(await kv(), stepHandlers(), options);
}

const DRAIN_LOCK = "outbox:drain-lock";

async function drainIfIdle(): Promise<void> {
  const store = await kv();
  if (!(await hasDueSteps(store))) return;
  if (!(await store.setIfAbsent(DRAIN_LOCK, "1", { ttlSeconds: 60 }))) return;
  try {
    // A step can queue follow-ups (a billing event starts a journey): give them a few more rounds.
    for (let round = 0; round < 4; round++) {
      const result = await drain(store, stepHandlers(), { limit: 20 });
      if (!result.succeeded || !(await hasDueSteps(store))) break;
    }
  } finally {
    await store.delete(DRAIN_LOCK);
  }
}

/**
 * For webhooks: try the new steps now, but answer the provider within `ms` whatever happens —
 * the steps are already durable, and the rest finishes after the response or on the next drain.
 */
export async function drainBriefly(ms: number): Promise<void> {
  const work = drainIfIdle();
  runAfter("outbox.drain", () => work);
  await within(work, ms, () => undefined).catch(() => undefined);
}

/** After the response: if anything is due and nobody else is draining, drain a little. */
export function drainSoon(): void {
  runAfter("outbox.drain", drainIfIdle);
}

/**
 * After a hard-stop reply: queue the Crisis Event and the operator alert, then try them at once.
 * If kv itself is down, write and alert directly; if that fails too, the log keeps the event id
 * and level (never text) so the operator can still see that something happened.
 */
export function reportCrisis(event: CrisisEventPayload): void {
  runAfter("crisis.report", async () => {
    let store;
    let ids: string[];
    try {
      store = await kv();
      if (await isRepeat(store, event)) return;
      ids = await enqueueCrisisEvent(store, event);
    } catch (error) {
      log.error("crisis.outbox_unavailable", { eventId: event.eventId, level: event.level, ...describeError(error) });
      try {
        await crisisRecordHandler(async () => ({ records: await records(), kv: null })).run([event]);
        await crisisAlertHandler.run([event]);
      } catch (direct) {
        log.error("crisis.unrecorded", { eventId: event.eventId, level: event.level, source: event.source, ...describeError(direct) });
      }
      return;
    }
    // Run these two now, outside the shared drain lock: the operator should hear at once.
    await drain(store, stepHandlers(), { ids });
  });
}

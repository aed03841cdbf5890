// Wires every outbox step kind to its handler, and runs the drain — from the cron endpoint, the
// `npm run drain` script, and opportunistically after requests (one such drainer at a time).
// A drain keeps going while work is due (a burst empties at the vendor's pace without waiting
// for the next cron tick), bounded by OUTBOX_DRAIN_MAX_MS; when it stops with work left and
// PUBLIC_BASE_URL is set, it calls the cron endpoint once more, at most OUTBOX_DRAIN_MAX_HOPS times.
import { z } from "zod";
import { runAfter } from "../platform/background.js";
import { defineConfig, intFromEnv } from "../platform/config/env.js";
import {
  CRISIS_ALERT_STEP,
  CRISIS_RECORD_STEP,
  crisisAlertHandler,
  crisisRecordHandler,
  enqueueCrisisEvent,
  isRepeat,
  type CrisisEventPayload,
} from "../crisis-events/crisis-events.js";
import { describeError, log, warnAndReturn } from "../platform/log.js";
import { kv } from "../platform/kv/index.js";
import { drain, hasDueSteps, type Backlog, type DrainResult, type StepHandlers } from "../platform/outbox/outbox.js";
import { outboxStatus } from "../platform/outbox/status.js";
import { records, recordsPace, withPaceWait, type PaceStatus } from "../platform/records/index.js";
import { REFLECTION_STEP, reflectionStepHandler } from "../reflections/reflections.js";
import { CONSENT_STEP, consentStepHandler } from "../participants/consent-sync.js";
import { journeyStepHandlers } from "../journeys/journeys.js";
import { intakeStepHandlers } from "../intake/intake.js";
import { BILLING_STEP, billingStepHandler } from "../billing/billing.js";
import { within } from "../platform/timeout.js";
import type { StepDispatcher } from "../platform/outbox/dispatcher.js";
import { ERASE_STEP, eraseStepHandler } from "../privacy/erase.js";
import { RETENTION_STEP, retentionReport, retentionStepHandler, scheduleRetention } from "../privacy/retention.js";

const stores = async () => ({ records: await records(), kv: await kv() });

/** The registry: each kind's handler, checked against the payload type the kind declares. */
export function stepHandlers(): StepHandlers {
  return {
    [REFLECTION_STEP]: reflectionStepHandler(stores),
    [CRISIS_RECORD_STEP]: crisisRecordHandler(stores),
    [CRISIS_ALERT_STEP]: crisisAlertHandler,
    [CONSENT_STEP]: consentStepHandler(stores),
    ...journeyStepHandlers(stores),
    ...intakeStepHandlers(stores),
    [BILLING_STEP]: billingStepHandler(stores),
    [ERASE_STEP]: eraseStepHandler(stores),
    [RETENTION_STEP]: retentionStepHandler(stores),
  };
}

export const drainConfig = defineConfig(
  "drain",
  z.object({
    OUTBOX_DRAIN_MAX_MS: intFromEnv(50_000, { min: 1000, max: 800_000 }),
    OUTBOX_DRAIN_CONCURRENCY: intFromEnv(8, { max: 50 }),
    OUTBOX_DRAIN_MAX_HOPS: intFromEnv(3, { min: 0, max: 20 }),
    PUBLIC_BASE_URL: z.url().optional(),
    CRON_SECRET: z.string().optional(),
  }),
);

// Claimed per round: 20 full batches of 10.
const ROUND_LIMIT = 200;
// A drained batch may wait this long for its request slot; a request path waits far less.
const DRAIN_SLOT_WAIT_MS = 10_000;
// Steps due within this horizon keep the drain going (a step deferred by the pace is due in ~1 s).
const DUE_HORIZON_MS = 2_000;
const IDLE_WAIT_MS = 200;
const IDLE_LIMIT_MS = 2_500;
// While a burst is still arriving, a batch of 3 waits (briefly) to become a batch of 10.
const HOLD_PARTIAL_MS = 500;

export interface DrainReport extends DrainResult {
  rounds: number;
  /** Whether it stopped with work due (time budget spent): a follow-up was scheduled when configured. */
  more: boolean;
  queue: Backlog;
  /** The records store's shared pace; null for the embedded store, which needs none. */
  pace: PaceStatus | null;
}

/** Drain rounds while work is due, within `maxMs`. */
async function drainRounds(
  options: { limit?: number; maxMs?: number; waitOutLockout?: boolean } = {},
): Promise<DrainResult & { rounds: number; more: boolean }> {
  const env = drainConfig.load();
  const store = await kv();
  // Real elapsed time (performance.now), whatever the date says.
  const started = performance.now();
  const maxMs = options.maxMs ?? env.OUTBOX_DRAIN_MAX_MS;
  let lastProgress = started;
  const dateStarted = Date.now();
  const pace = await recordsPace().catch(warnAndReturn("records.pace_unavailable", null));
  const firstSeen = new Map<string, number>();
  const holdPartial = (steps: { id: string }[]) => {
    const t = performance.now();
    for (const step of steps) if (!firstSeen.has(step.id)) firstSeen.set(step.id, t);
    return t - Math.min(...steps.map((step) => firstSeen.get(step.id)!)) < HOLD_PARTIAL_MS;
  };
  const total = { succeeded: 0, retried: 0, failed: 0, skipped: 0, rounds: 0, more: false };
  for (;;) {
    const result = await withPaceWait(DRAIN_SLOT_WAIT_MS, () =>
      drain(store, stepHandlers(), {
        limit: options.limit ?? ROUND_LIMIT,
        concurrency: env.OUTBOX_DRAIN_CONCURRENCY,
        holdPartial,
      }),
    );
    total.rounds++;
    total.succeeded += result.succeeded;
    total.retried += result.retried;
    total.failed += result.failed;
    total.skipped += result.skipped;
    if (result.succeeded + result.failed > 0) lastProgress = performance.now();
    // A lockout (30 s) is waited out rather than left to the next cron tick: its end is known.
    // It is measured on Date: if Date does not keep up with real time (stepped back, or frozen
    // by a test), stop instead of waiting for an end that never comes.
    const lockedForMs = (await pace?.status().catch(warnAndReturn("records.pace_unavailable", null)))?.lockedForMs ?? 0;
    if (lockedForMs > 0 && options.waitOutLockout === false) break;
    const realMs = performance.now() - started;
    if (lockedForMs > 0 && realMs > 500 && Date.now() - dateStarted < realMs / 2) break;
    // Waiting out a lockout is not idling.
    if (lockedForMs > 0) lastProgress = performance.now();
    if (!(await hasDueSteps(store, Date.now() + DUE_HORIZON_MS + lockedForMs))) break;
    // Work is due soon but nothing has run for a while (another drainer holds it, or the clock
    // is not moving): leave it to the next drain rather than spin.
    if (performance.now() - lastProgress > IDLE_LIMIT_MS + lockedForMs) break;
    if (performance.now() - started >= maxMs) {
      total.more = true;
      break;
    }
    // Nothing run this round (deferred by the pace, or leased by another drainer): look again shortly.
    if (result.succeeded + result.failed === 0 || !(await hasDueSteps(store))) {
      const left = maxMs - (performance.now() - started);
      await new Promise((r) => setTimeout(r, Math.max(IDLE_WAIT_MS, Math.min(lockedForMs, left, 1000))));
    }
  }
  return total;
}

export async function drainOutbox(options: { limit?: number; maxMs?: number; hop?: number } = {}): Promise<DrainReport> {
  const result = await drainRounds(options);
  if (result.more) scheduleNextDrain(options.hop ?? 0);
  return { ...result, ...(await outboxStatus()) };
}

/** The cron's round: queue today's retention sweeps (once a day), drain, and report both. */
export async function cronDrain(hop: number): Promise<DrainReport & { retention: Awaited<ReturnType<typeof retentionReport>> }> {
  const store = await kv();
  await scheduleRetention(store);
  const result = await drainOutbox({ hop });
  return { ...result, retention: await retentionReport(store) };
}

/** Work left when the time budget ran out: a fresh invocation of the cron endpoint carries on. */
function scheduleNextDrain(hop: number): void {
  const env = drainConfig.load();
  if (!env.PUBLIC_BASE_URL || hop >= env.OUTBOX_DRAIN_MAX_HOPS) return;
  const url = `${env.PUBLIC_BASE_URL.replace(/\/+$/, "")}/api/cron/drain?hop=${hop + 1}`;
  log.info("outbox.drain_rescheduled", { hop: hop + 1 });
  runAfter("outbox.drain_next", async () => {
    // Only the call needs to start: the next drain runs in its own invocation.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 2000);
    try {
      const response = await fetch(url, {
        headers: env.CRON_SECRET ? { authorization: `Bearer ${env.CRON_SECRET}` } : {},
        signal: controller.signal,
      });
      log.info("outbox.drain_next_called", { hop: hop + 1, status: response.status });
    } catch (error) {
      if ((error as Error).name !== "AbortError") throw error;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  });
}

const DRAIN_LOCK = "outbox:drain-lock";
const DRAIN_LOCK_SECONDS = 60;

async function drainIfIdle(): Promise<void> {
  const store = await kv();
  if (!(await hasDueSteps(store))) return;
  if (!(await store.setIfAbsent(DRAIN_LOCK, "1", { ttlSeconds: DRAIN_LOCK_SECONDS }))) return;
  try {
    // Rounds go on while work is due (follow-ups a step queued, a burst still arriving), well inside the lock.
    // After a request, a lockout is left to the cron drain (or the next request) rather than
    // keeping this invocation alive for 30 s.
    await drainRounds({ maxMs: Math.min(drainConfig.load().OUTBOX_DRAIN_MAX_MS, (DRAIN_LOCK_SECONDS - 10) * 1000), waitOutLockout: false });
  } finally {
    await store.delete(DRAIN_LOCK);
  }
}

/** The embedded dispatcher: the drain above, over the kv outbox (SQLite locally, Upstash deployed). */
export const kvDrainDispatcher: StepDispatcher = {
  name: "kv-drain",
  soon() {
    runAfter("outbox.drain", drainIfIdle);
  },
  async briefly(ms) {
    const work = drainIfIdle();
    runAfter("outbox.drain", () => work);
    // Not lost: runAfter above logs the drain's failure (background.failed), and the steps stay queued.
    await within(work, ms, () => undefined).catch(() => undefined);
  },
  async now(ids) {
    await drain(await kv(), stepHandlers(), { ids });
  },
};

let dispatcher: StepDispatcher = kvDrainDispatcher;

/** Hand delivery to another dispatcher (a queue service); returns the one it replaced. */
export function useDispatcher(next: StepDispatcher): StepDispatcher {
  const previous = dispatcher;
  dispatcher = next;
  return previous;
}

/**
 * For webhooks: try the new steps now, but answer the provider within `ms` whatever happens —
 * the steps are already durable, and the rest finishes after the response or on the next drain.
 */
export function drainBriefly(ms: number): Promise<void> {
  return dispatcher.briefly(ms);
}

/** After the response: if anything is due and nobody else is draining, deliver a little. */
export function drainSoon(): void {
  dispatcher.soon();
}

/** Deliver these steps now, whatever their due time, in the order of the groups (each after the one before). */
export async function deliverInOrder(groups: string[][]): Promise<void> {
  for (const ids of groups) await dispatcher.now(ids);
}

/**
 * After a hard-stop reply: queue the Crisis Event and the operator alert, then try them at once.
 * If kv itself is down, write and alert directly; if that fails too, the log keeps the event id
 * and level (never text) so the operator can still see that something happened.
 */
export function reportCrisis(event: CrisisEventPayload): void {
  // After the answer, so the record may wait its turn in Airtable's pace rather than be deferred.
  runAfter("crisis.report", () =>
    withPaceWait(DRAIN_SLOT_WAIT_MS, async () => {
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
      await dispatcher.now(ids);
    }),
  );
}

// The durable outbox: side effects that could not finish inline (Airtable down, Mailchimp slow)
// are written to kv as steps and run later by the drain — from the cron and opportunistically
// after requests. Each step has a status, attempts and a next try with backoff; a step that
// succeeded is never run again. Steps of one kind run in batches, so 25 queued reflections cost
// 3 Airtable writes, not 25, and several batches are in flight at once: the records store's
// shared pace, not the drain, decides how fast they go. A step that only waited for that pace
// (no slot free, or the base locked out) comes back when the pace says, without counting an attempt.
import { randomUUID } from "node:crypto";
import { describeError, log } from "../log.js";
import { getJson, setJson, type Kv } from "../kv/index.js";
import { FinalOutcome, PermanentStepError, verdictFor } from "./errors.js";
import type { PayloadOf, StepKind, StepPayloads, StepResult } from "./steps.js";

export { FinalOutcome, isProgrammingError, PermanentStepError, RetryableStepError, verdictFor, type StepVerdict } from "./errors.js";
export { DONE, type PayloadOf, type StepKind, type StepPayloads, type StepResult, type TestStepPayloads } from "./steps.js";

export type StepStatus = "pending" | "done" | "failed";

export interface OutboxStep<P = unknown> {
  id: string;
  kind: string;
  payload: P;
  status: StepStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  /** How a finished step ended, when that is worth telling the operator ("member in compliance state"). */
  outcome?: string;
  /** Steps that must be done before this one runs (a tag needs the member to exist). */
  after?: string[];
  createdAt: number;
  updatedAt: number;
}

export interface StepHandler<P = never> {
  /** Most steps of this kind to hand over in one call. */
  batchSize: number;
  /**
   * Runs a batch. Returns nothing (or `{ done: true, outcome? }`) when done, `{ notReady … }` when
   * the step cannot run yet; throws to fail the whole batch (it is then retried one by one), with
   * a RetryableStepError, a PermanentStepError, or a vendor error that maps onto one.
   */
  run(payloads: P[]): Promise<void | StepResult>;
  /** Attempts before a retryable failure is parked as failed (the dead letter); default 10. */
  maxAttempts?: number;
  /** Wait before the next attempt; default exponential from 30 s to 1 h with jitter. */
  backoffMs?: (attempts: number, retryAfterMs?: number) => number;
  /**
   * Called once with every claimed step of this kind before its batches run, to do shared work
   * once (resolving every Healing Name's link in full batches). Best effort: a failure is logged
   * and each batch does what it still needs itself.
   */
  prepare?(payloads: P[]): Promise<void>;
}

/** The product's registry: a handler for every kind a feature declares, checked against its payload type. */
export type StepHandlers = { [K in keyof StepPayloads]: StepHandler<StepPayloads[K]> };

/** What the drain can run: the product's handlers and any test kind's. A claimed kind with none is refused at run time. */
export type AnyStepHandlers = { [K in StepKind]?: StepHandler<PayloadOf<K>> };

const DUE = "outbox:due";
const FAILED = "outbox:failed";
const DONE = "outbox:done";
// Pending steps by creation time, for the age of the oldest one.
const PENDING = "outbox:pending";
const stepKey = (id: string) => `outbox:step:${id}`;
const DONE_TTL_SECONDS = 14 * 24 * 3600;
const MAX_ATTEMPTS = 10;
const LEASE_SECONDS = 60;

/** Store a step durably. With an id, enqueueing the same step twice keeps the first. */
export async function enqueue<K extends StepKind>(
  kv: Kv,
  input: { kind: K; payload: PayloadOf<K>; id?: string; now?: number; after?: string[] },
): Promise<OutboxStep<PayloadOf<K>>> {
  const now = input.now ?? Date.now();
  const step: OutboxStep<PayloadOf<K>> = {
    id: input.id ?? randomUUID(),
    kind: input.kind,
    payload: input.payload,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
    ...(input.after?.length ? { after: input.after } : {}),
  };
  const created = await kv.setIfAbsent(stepKey(step.id), JSON.stringify(step));
  if (!created) return (await getJson<OutboxStep<PayloadOf<K>>>(kv, stepKey(step.id))) ?? step;
  await kv.zadd(DUE, step.id, step.nextAttemptAt);
  await kv.zadd(PENDING, step.id, step.createdAt);
  return step;
}

export async function getStep(kv: Kv, id: string): Promise<OutboxStep | null> {
  return getJson<OutboxStep>(kv, stepKey(id));
}

/** Steps waiting to run (due now or later), oldest due first. */
export async function pendingSteps(kv: Kv, limit = 100): Promise<OutboxStep[]> {
  return loadSteps(kv, await kv.zrangeByScore(DUE, Number.MAX_SAFE_INTEGER, limit));
}

export async function failedSteps(kv: Kv, limit = 100): Promise<OutboxStep[]> {
  return loadSteps(kv, await kv.zrangeByScore(FAILED, Number.MAX_SAFE_INTEGER, limit));
}

export async function doneSteps(kv: Kv, limit = 100): Promise<OutboxStep[]> {
  return loadSteps(kv, await kv.zrangeByScore(DONE, Number.MAX_SAFE_INTEGER, limit));
}

async function loadSteps(kv: Kv, ids: string[]): Promise<OutboxStep[]> {
  const steps = await Promise.all(ids.map((id) => getStep(kv, id)));
  return steps.filter((step): step is OutboxStep => step !== null);
}

/** Move a failed step back to pending, to run on the next drain. Done steps are never replayed. */
export async function replay(kv: Kv, id: string, now = Date.now()): Promise<OutboxStep | null> {
  const step = await getStep(kv, id);
  if (!step || step.status !== "failed") return step;
  const next: OutboxStep = { ...step, status: "pending", nextAttemptAt: now, updatedAt: now };
  await setJson(kv, stepKey(id), next);
  await kv.zrem(FAILED, id);
  await kv.zadd(DUE, id, now);
  await kv.zadd(PENDING, id, step.createdAt);
  return next;
}

export function backoffMs(attempts: number, retryAfterMs = 0): number {
  const exponential = Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);
  const jitter = Math.floor(Math.random() * 0.2 * exponential);
  return Math.max(exponential + jitter, retryAfterMs);
}

export interface DrainResult {
  succeeded: number;
  retried: number;
  failed: number;
  skipped: number;
}

export interface Backlog {
  /** Steps waiting to run, due now or later. */
  depth: number;
  /** Age of the oldest waiting step; null when none waits. */
  oldestPendingAgeMs: number | null;
  /** Steps parked as failed, for the operator to replay. */
  failed: number;
}

/** How much is waiting and for how long: what an operator checks to see the backlog moving. */
export async function backlog(kv: Kv, now = Date.now()): Promise<Backlog> {
  const [depth, failed, oldestIds, firstDue] = await Promise.all([
    kv.zcard(DUE),
    kv.zcard(FAILED),
    kv.zrangeByScore(PENDING, Number.MAX_SAFE_INTEGER, 1),
    kv.zrangeByScore(DUE, Number.MAX_SAFE_INTEGER, 1),
  ]);
  // Steps queued before the PENDING index existed are found through the due set.
  const candidates = (await loadSteps(kv, [...new Set([...oldestIds, ...firstDue])])).filter((step) => step.status === "pending");
  const oldest = Math.min(...candidates.map((step) => step.createdAt));
  return { depth, oldestPendingAgeMs: depth && Number.isFinite(oldest) ? Math.max(0, now - oldest) : null, failed };
}

/**
 * Run the steps that are due (or the given ones), batching by kind, up to `concurrency` batches
 * of a kind at once. Safe to run concurrently (steps are leased).
 */
export async function drain(
  kv: Kv,
  handlers: AnyStepHandlers,
  options: {
    limit?: number;
    now?: () => number;
    ids?: string[];
    concurrency?: number;
    /** Whether to leave a kind's last, partial batch for the next round (more are likely arriving). */
    holdPartial?: (steps: OutboxStep[]) => boolean;
  } = {},
): Promise<DrainResult> {
  const now = options.now ?? (() => Date.now());
  const result: DrainResult = { succeeded: 0, retried: 0, failed: 0, skipped: 0 };
  // Given ids run now whatever their due time (a crisis record should not wait for the cron).
  const ids = options.ids ?? (await kv.zrangeByScore(DUE, now(), options.limit ?? 50));
  const byKind = new Map<string, OutboxStep[]>();
  for (const id of ids) {
    if (!(await kv.setIfAbsent(`outbox:lease:${id}`, "1", { ttlSeconds: LEASE_SECONDS }))) {
      result.skipped++;
      continue;
    }
    const step = await getStep(kv, id);
    if (!step || step.status !== "pending") {
      await kv.zrem(DUE, id);
      await kv.zrem(PENDING, id);
      await kv.delete(`outbox:lease:${id}`);
      continue;
    }
    byKind.set(step.kind, [...(byKind.get(step.kind) ?? []), step]);
  }

  // Kinds run in the order first seen, so a step usually finds what it depends on already done.
  for (const [kind, claimed] of byKind) {
    const handler = (handlers as Record<string, StepHandler<unknown> | undefined>)[kind];
    const steps: OutboxStep[] = [];
    for (const step of claimed) {
      const blocker = await waitingOn(kv, step);
      if (!blocker) steps.push(step);
      else if (blocker === "failed")
        await settle(kv, handler, step, { error: new PermanentStepError("A step it depends on failed") }, now(), result);
      else {
        // Not an attempt: look again shortly.
        await kv.zadd(DUE, step.id, now() + 5_000);
        await kv.delete(`outbox:lease:${step.id}`);
        result.skipped++;
      }
    }
    if (handler?.prepare && steps.length > 1) {
      await handler
        .prepare(steps.map((step) => step.payload))
        .catch((error: unknown) => log.warn("outbox.prepare_failed", { kind, ...describeError(error) }));
    }
    const size = handler?.batchSize ?? 1;
    const partial = steps.length % size;
    if (partial && options.holdPartial?.(steps.slice(-partial))) {
      for (const step of steps.splice(-partial)) {
        await kv.delete(`outbox:lease:${step.id}`);
        result.skipped++;
      }
    }
    const batches = Array.from({ length: Math.ceil(steps.length / size) }, (_, i) => steps.slice(i * size, (i + 1) * size));
    await inParallel(batches, options.concurrency ?? 1, (batch) => runBatch(kv, handler, batch, now, result));
  }
  if (ids.length) log.info("outbox.drained", { ...result });
  // Finished steps expire after DONE_TTL_SECONDS; drop their index entries too.
  await kv.zremRangeByScore(DONE, now() - DONE_TTL_SECONDS * 1000);
  return result;
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
}

async function waitingOn(kv: Kv, step: OutboxStep): Promise<"pending" | "failed" | null> {
  for (const id of step.after ?? []) {
    const other = await getStep(kv, id);
    if (other?.status === "failed") return "failed";
    if (other && other.status !== "done") return "pending";
  }
  return null;
}

async function runBatch(
  kv: Kv,
  handler: StepHandler<unknown> | undefined,
  batch: OutboxStep[],
  now: () => number,
  result: DrainResult,
): Promise<void> {
  let returned: void | StepResult;
  try {
    if (!handler) throw new PermanentStepError(`No handler for step kind "${batch[0]?.kind}"`);
    returned = await handler.run(batch.map((step) => step.payload));
  } catch (error) {
    if (error instanceof FinalOutcome && batch.length === 1) {
      await settle(kv, handler, batch[0]!, { done: true, outcome: error.message }, now(), result);
      return;
    }
    // One bad step must not hold back the others: retry a failed batch one step at a time.
    if (batch.length > 1 && verdictFor(error).kind === "permanent") {
      for (const step of batch) await runBatch(kv, handler, [step], now, result);
      return;
    }
    for (const step of batch) await settle(kv, handler, step, { error }, now(), result);
    return;
  }
  for (const step of batch) await settle(kv, handler, step, returned ?? { done: true }, now(), result);
}

/** The one place a finished attempt becomes the step's next state: done, waiting, retried or dead-lettered. */
async function settle(
  kv: Kv,
  handler: StepHandler<unknown> | undefined,
  step: OutboxStep,
  ended: StepResult | { error: unknown },
  now: number,
  result: DrainResult,
): Promise<void> {
  const verdict = "error" in ended ? verdictFor(ended.error) : null;
  if (verdict?.kind === "pacing") {
    // Nothing was sent (or the vendor refused it whole): not an attempt. Back when the pace says,
    // spread a little so a crowd of deferred steps does not arrive as one.
    const error = (ended as { error: unknown }).error;
    const wait = verdict.retryAfterMs + Math.floor(Math.random() * 250);
    const deferred: OutboxStep = { ...step, nextAttemptAt: now + wait, lastError: errorLabel(error), updatedAt: now };
    await setJson(kv, stepKey(step.id), deferred);
    await kv.zadd(DUE, step.id, deferred.nextAttemptAt);
    await kv.delete(`outbox:lease:${step.id}`);
    result.retried++;
    return;
  }
  const attempts = step.attempts + 1;
  const backoff = handler?.backoffMs ?? backoffMs;
  if ("notReady" in ended) {
    if (now - step.createdAt >= ended.giveUpAfterMs) ended = { done: true, outcome: ended.outcome };
    else {
      const waiting: OutboxStep = {
        ...step,
        attempts,
        nextAttemptAt: now + backoff(attempts),
        lastError: "NotReadyYet: NOT_READY",
        updatedAt: now,
      };
      await setJson(kv, stepKey(step.id), waiting);
      await kv.zadd(DUE, step.id, waiting.nextAttemptAt);
      await kv.delete(`outbox:lease:${step.id}`);
      result.retried++;
      log.info("outbox.step_waiting", { stepId: step.id, kind: step.kind, attempts });
      return;
    }
  }
  if ("done" in ended) {
    const done: OutboxStep = { ...step, status: "done", attempts, updatedAt: now, ...(ended.outcome ? { outcome: ended.outcome } : {}) };
    await setJson(kv, stepKey(step.id), done, { ttlSeconds: DONE_TTL_SECONDS });
    await kv.zrem(DUE, step.id);
    await kv.zrem(PENDING, step.id);
    await kv.zadd(DONE, step.id, now);
    result.succeeded++;
  } else {
    const { error } = ended;
    const retry = verdict?.kind === "retry" && attempts < (handler?.maxAttempts ?? MAX_ATTEMPTS);
    const next: OutboxStep = {
      ...step,
      attempts,
      status: retry ? "pending" : "failed",
      nextAttemptAt: retry ? now + backoff(attempts, verdict.retryAfterMs) : step.nextAttemptAt,
      lastError: errorLabel(error),
      updatedAt: now,
    };
    await setJson(kv, stepKey(step.id), next);
    if (retry) {
      await kv.zadd(DUE, step.id, next.nextAttemptAt);
      result.retried++;
    } else {
      // The dead letter: parked as failed, for the operator to replay.
      await kv.zrem(DUE, step.id);
      await kv.zrem(PENDING, step.id);
      await kv.zadd(FAILED, step.id, now);
      result.failed++;
    }
    log.warn("outbox.step_failed", { stepId: step.id, kind: step.kind, attempts, retry, ...describeError(error) });
  }
  await kv.delete(`outbox:lease:${step.id}`);
}

const errorLabel = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${(error as { code?: string }).code ?? "error"}` : "error";

export async function hasDueSteps(kv: Kv, now = Date.now()): Promise<boolean> {
  return (await kv.zrangeByScore(DUE, now, 1)).length > 0;
}

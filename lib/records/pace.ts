// One pace per Airtable base, shared through kv by every function instance, cron and script:
// at most `perSecond` requests in any second (plus a small margin for network jitter), and after
// a 429 nobody sends anything until the 30 s lockout is over ("locked until", also in kv).
// A caller says how long it may wait for its slot: a request path waits briefly and otherwise
// queues its write in the outbox, the drain waits for as long as its batch is worth.
import { AsyncLocalStorage } from "node:async_hooks";
import { describeError, log } from "../log.js";
import type { Kv } from "../kv/index.js";
import { RecordsError } from "./types.js";

export interface PaceOptions {
  kv: Kv;
  /** The base id: the vendor's limit is per base. */
  base: string;
  perSecond: number;
  /** Added to the one-second window, so a request that leaves a little late is still inside the limit. */
  marginMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PaceStatus {
  limitPerSecond: number;
  /** Slots granted in the last second (requests sent, or about to be). */
  lastSecond: number;
  /** Slots already reserved ahead of now. */
  reservedAhead: number;
  /** Milliseconds of the shared lockout left; 0 when none. */
  lockedForMs: number;
}

export interface Pace {
  /** Wait for this caller's slot; throws BUSY (no slot within the wait) or RATE_LIMITED (locked out). */
  acquire(maxWaitMs: number): Promise<void>;
  /** Lock the whole base for `ms`, for every instance. */
  lockOut(ms: number): Promise<void>;
  status(): Promise<PaceStatus>;
}

const waitBudget = new AsyncLocalStorage<number>();

/** Run `work` with its own slot wait (the drain waits long; a request path briefly). */
export function withPaceWait<T>(ms: number, work: () => Promise<T>): Promise<T> {
  return waitBudget.run(ms, work);
}

/** The slot wait for the current call: the one set by `withPaceWait`, else `fallbackMs`. */
export function paceWait(fallbackMs: number): number {
  return waitBudget.getStore() ?? fallbackMs;
}

export function createPace(options: PaceOptions): Pace {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const key = `pace:airtable:${options.base}`;
  const windowMs = 1000 + options.marginMs;
  // If kv cannot answer, this instance paces itself alone rather than stopping writes.
  let localNext = 0;
  let localLockedUntil = 0;

  async function acquireLocally(maxWaitMs: number): Promise<void> {
    const at = Math.max(now(), localNext, localLockedUntil);
    if (at - now() > maxWaitMs) throw busyOrLocked(at, localLockedUntil, now());
    localNext = at + windowMs / options.perSecond;
    if (at > now()) await sleep(at - now());
  }

  return {
    async acquire(maxWaitMs) {
      let slot;
      try {
        slot = await options.kv.reserveSlot(key, { limit: options.perSecond, windowMs, maxWaitMs, now: now() });
      } catch (error) {
        log.warn("records.pace_unavailable", describeError(error));
        return acquireLocally(maxWaitMs);
      }
      if (!slot.ok) {
        const { lockedUntil } = await options.kv.readSlots(key).catch(() => ({ lockedUntil: 0 }));
        throw busyOrLocked(slot.at, lockedUntil, now());
      }
      const wait = slot.at - now();
      if (wait > 0) await sleep(wait);
    },
    async lockOut(ms) {
      localLockedUntil = now() + ms;
      await options.kv.blockSlots(key, now() + ms).catch((error: unknown) => log.warn("records.pace_unavailable", describeError(error)));
    },
    async status() {
      const { grants, lockedUntil } = await options.kv.readSlots(key);
      const t = now();
      return {
        limitPerSecond: options.perSecond,
        lastSecond: grants.filter((at) => at > t - 1000 && at <= t).length,
        reservedAhead: grants.filter((at) => at > t).length,
        lockedForMs: Math.max(0, lockedUntil - t),
      };
    },
  };
}

function busyOrLocked(at: number, lockedUntil: number, now: number): RecordsError {
  return lockedUntil > now
    ? new RecordsError("RATE_LIMITED", "Airtable rate limit lockout in effect", { retryAfterMs: lockedUntil - now })
    : new RecordsError("BUSY", "No Airtable request slot free within the wait", { retryAfterMs: Math.max(0, at - now) });
}

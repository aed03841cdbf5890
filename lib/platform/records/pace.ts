// One pace per Airtable base, shared through kv by every function instance, cron and script:
// at most `perSecond` requests in any second (plus a small margin for network jitter), and after
// a 429 nobody sends anything until the 30 s lockout is over ("locked until", also in kv).
// A caller says how long it may wait for its slot: a request path waits briefly and otherwise
// queues its write in the outbox, the drain waits for as long as its batch is worth.
import { AsyncLocalStorage } from "node:async_hooks";
import { describeError, log, warnAndReturn } from "../log.js";
import type { Kv } from "../kv/index.js";
import { RecordsError } from "./types.js";

export interface PaceOptions {
  kv: Kv;
  /** The base id: the vendor's limit is per base. */
  base: string;
  perSecond: number;
  /** Added to the one-second window, so a request that leaves a little late is still inside the limit. */
  marginMs: number;
  /** The lockout's clock. */
  now?: () => number;
  /** The slots' clock: a wall clock that only moves forward (tests fake Date to jump a lockout, never this). */
  clock?: () => number;
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
  /**
   * Wait for this caller's slot; throws BUSY (no slot within the wait) or RATE_LIMITED (locked
   * out). `lateMs`: how late the request may leave after its slot starts (see SlotRequest).
   * Call the returned `done` when the answer arrives.
   */
  acquire(maxWaitMs: number, options?: { lateMs?: number }): Promise<{ done(): void }>;
  /** Lock the whole base for `ms`, for every instance. */
  lockOut(ms: number): Promise<void>;
  status(): Promise<PaceStatus>;
}

const waitBudget = new AsyncLocalStorage<number>();
const MAX_TRIES = 5;

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
  const clock = options.clock ?? (() => performance.timeOrigin + performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const key = `pace:airtable:${options.base}`;
  const windowMs = 1000 + options.marginMs;
  // If kv cannot answer, this instance paces itself alone rather than stopping writes.
  let localLockedUntil = 0;
  // The quickest round trip seen: any more is time the request spent leaving this process.
  let fastestMs = Infinity;
  const noop = { done() {} };

  /**
   * A request leaves after its slot starts by however long this process was busy (an event loop
   * full of a burst's requests). Once its answer is in, its slot is moved to the latest it can
   * have arrived (answer time less the quickest round trip), so the slots granted after it keep
   * a full second from when it really landed.
   */
  function settle(startedAt: number, recorded: number): { done(): void } {
    return {
      done() {
        const done = clock();
        fastestMs = Math.min(fastestMs, done - startedAt);
        const arrived = Math.round(done - fastestMs);
        if (arrived > recorded)
          void options.kv.confirmSlot(key, recorded, arrived).catch(warnAndReturn("records.pace_unavailable", undefined));
      },
    };
  }

  // This instance's own recent slots, shared or local: if kv stops answering mid-burst, the
  // local pace still knows what this instance just sent.
  const mine: number[] = [];
  const remember = (at: number) => {
    mine.push(at);
    mine.sort((a, b) => a - b);
    if (mine.length > options.perSecond) mine.shift();
  };

  async function acquireLocally(maxWaitMs: number): Promise<{ done(): void }> {
    if (localLockedUntil > now()) throw locked(localLockedUntil - now());
    let at = clock();
    if (mine.length >= options.perSecond) at = Math.max(at, mine[mine.length - options.perSecond]! + windowMs);
    if (at - clock() > maxWaitMs) throw busy(at - clock());
    remember(at);
    if (at > clock()) await sleep(at - clock());
    return noop;
  }

  return {
    async acquire(maxWaitMs, { lateMs = 0 } = {}) {
      const started = clock();
      for (let tries = 1; ; tries++) {
        let slot;
        try {
          const wait = Math.max(0, maxWaitMs - (clock() - started));
          slot = await options.kv.reserveSlot(key, {
            limit: options.perSecond,
            windowMs,
            maxWaitMs: wait,
            now: clock(),
            lockNow: now(),
            lateMs,
          });
        } catch (error) {
          log.warn("records.pace_unavailable", describeError(error));
          return acquireLocally(maxWaitMs);
        }
        if (!slot.ok) throw slot.lockedUntil > now() ? locked(slot.lockedUntil - now()) : busy(slot.at - clock());
        const wait = slot.at - clock();
        if (wait > 0) {
          await sleep(wait);
          // Someone may have hit a 429 while this caller waited: never send into the lockout.
          const { lockedUntil } = await options.kv.readSlots(key).catch(warnAndReturn("records.pace_unavailable", { lockedUntil: 0 }));
          if (lockedUntil > now()) throw locked(lockedUntil - now());
        }
        // Woken too late (a busy event loop): sent now, this request could land within a second
        // of ones granted after its slot. Its slot is given up (still counted) and a fresh one taken.
        if (clock() - slot.at <= options.marginMs / 2 || tries >= MAX_TRIES) {
          remember(clock());
          return settle(slot.at, slot.at + lateMs);
        }
        log.debug("records.pace_slot_missed", { lateMs: Math.round(clock() - slot.at) });
      }
    },
    async lockOut(ms) {
      localLockedUntil = now() + ms;
      await options.kv.blockSlots(key, now() + ms).catch((error: unknown) => log.warn("records.pace_unavailable", describeError(error)));
    },
    async status() {
      const { grants, lockedUntil } = await options.kv.readSlots(key);
      const t = clock();
      return {
        limitPerSecond: options.perSecond,
        lastSecond: grants.filter((at) => at > t - 1000 && at <= t).length,
        reservedAhead: grants.filter((at) => at > t).length,
        lockedForMs: Math.max(0, lockedUntil - now()),
      };
    },
  };
}

const locked = (ms: number) => new RecordsError("RATE_LIMITED", "Airtable rate limit lockout in effect", { retryAfterMs: ms });
const busy = (ms: number) => new RecordsError("BUSY", "No Airtable request slot free within the wait", { retryAfterMs: Math.max(0, ms) });

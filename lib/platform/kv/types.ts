// The kv contract: small, ephemeral state with expiry — idempotency keys, counters, consented
// conversation turns, caches — plus the sorted-set primitives the durable outbox is built on,
// and the shared request pace (slots) the records store keeps to the vendor's limit with.
import type { SlotRequest, SlotResult, SlotState } from "./slots.js";

export interface Kv {
  readonly backend: "sqlite" | "upstash";
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: { ttlSeconds?: number }): Promise<void>;
  /** Set only when the key is absent; true when this call set it (idempotency, locks). */
  setIfAbsent(key: string, value: string, options?: { ttlSeconds?: number }): Promise<boolean>;
  delete(...keys: string[]): Promise<number>;
  /** Increment a counter, (re)setting its expiry; returns the new count. */
  increment(key: string, options: { ttlSeconds: number }): Promise<number>;
  /** Seconds left before the key expires; null when absent or without expiry. */
  ttl(key: string): Promise<number | null>;
  /** Add or move a member of a sorted set. */
  zadd(key: string, member: string, score: number): Promise<void>;
  /** Members with score ≤ max, lowest first. */
  zrangeByScore(key: string, max: number, limit: number): Promise<string[]>;
  zrem(key: string, member: string): Promise<void>;
  /** Remove members with score ≤ max; returns how many. */
  zremRangeByScore(key: string, max: number): Promise<number>;
  zcard(key: string): Promise<number>;
  /** Atomically reserve the earliest slot of a shared pace (see slots.ts); nothing is reserved when it is past maxWaitMs. */
  reserveSlot(key: string, request: SlotRequest): Promise<SlotResult>;
  /** Atomically move a granted slot (as recorded) to when its request really went out, if later. */
  confirmSlot(key: string, recorded: number, actual: number): Promise<void>;
  /** Atomically push the pace's "locked until" to at least `until` (epoch ms). */
  blockSlots(key: string, until: number): Promise<void>;
  /** The pace's granted slots and lock, as stored. */
  readSlots(key: string): Promise<SlotState>;
  /** Embedded store only: fold the write-ahead log into the file and truncate it, so deleted text is gone from disk. */
  compact?(): Promise<void>;
}

export class KvError extends Error {
  override readonly name = "KvError";
  readonly code = "KV_UNAVAILABLE";
}

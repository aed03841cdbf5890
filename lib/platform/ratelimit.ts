// Rate limits from one policy table. With Upstash configured the limiter is @upstash/ratelimit;
// otherwise a fixed-window counter in kv. Both fail open: a limiter outage must not take an
// endpoint down (and the crisis path never waits on one at all).
import { describeError, log } from "./log.js";
import { runAfter } from "./background.js";
import { ApiError } from "./http/errors.js";
import { kv, upstashRedis } from "./kv/index.js";
import { deps } from "./deps.js";
import type { UpstashLimiter } from "../vendors/upstash/ratelimit.js";
import { within } from "./timeout.js";

export interface Policy {
  limit: number;
  windowSeconds: number;
}

export const RATE_LIMIT_POLICIES = {
  "reflection:ip": { limit: 30, windowSeconds: 600 },
  "crisis:ip": { limit: 60, windowSeconds: 60 },
  "chat:ip": { limit: 30, windowSeconds: 60 },
  "chat:free": { limit: 20, windowSeconds: 86_400 },
  "chat:member": { limit: 200, windowSeconds: 86_400 },
  "conversation:ip": { limit: 60, windowSeconds: 60 },
} as const satisfies Record<string, Policy>;

export type PolicyName = keyof typeof RATE_LIMIT_POLICIES;

export interface LimitResult {
  success: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  reset: number;
}

// One limiter per policy, kept with the function's deps (beside the Upstash client they use).
const LIMITERS = {};

async function upstashLimiter(policy: PolicyName): Promise<UpstashLimiter | null> {
  const redis = await upstashRedis();
  if (!redis) return null;
  const limiters = deps().once(LIMITERS, () => new Map<PolicyName, Promise<UpstashLimiter>>());
  let limiter = limiters.get(policy);
  if (!limiter) {
    const { limit, windowSeconds } = RATE_LIMIT_POLICIES[policy];
    limiter = import("../vendors/upstash/ratelimit.js").then(({ createUpstashLimiter }) =>
      createUpstashLimiter(redis, { name: policy, limit, windowSeconds }),
    );
    limiters.set(policy, limiter);
    // A limiter that failed to build is not kept: the next request tries again.
    void limiter.catch(() => limiters.delete(policy));
  }
  return limiter;
}

// A limiter that cannot answer quickly is treated like one that is down: the request goes on.
// Small on purpose: a kv that accepts connections and never answers must not hold a reply up.
export const LIMITER_BUDGET_MS = 200;

export interface LimitOptions {
  now?: number;
  /** How long to wait for the limiter before failing open; a shared request deadline can pass its own. */
  within?: <T>(work: Promise<T>, onTimeout: () => T) => Promise<T>;
}

export async function checkLimit(policy: PolicyName, identifier: string, options: LimitOptions = {}): Promise<LimitResult> {
  const { limit, windowSeconds } = RATE_LIMIT_POLICIES[policy];
  const now = options.now ?? Date.now();
  const open = (): LimitResult => ({ success: true, limit, remaining: limit, reset: now + windowSeconds * 1000 });
  const bounded = options.within ?? (<T>(work: Promise<T>, onTimeout: () => T) => within(work, LIMITER_BUDGET_MS, onTimeout));
  const slow = () => {
    log.warn("ratelimit.slow", { policy });
    return open();
  };
  try {
    // Building the limiter (an import, opening the local file) is not a backend call: only the
    // counting round trip is bounded, so a cold start does not fail open by itself.
    const counter = await counterFor(policy);
    return await bounded(counter(identifier, now), slow);
  } catch (error) {
    log.warn("ratelimit.unavailable", { policy, ...describeError(error) });
    return open();
  }
}

async function counterFor(policy: PolicyName): Promise<(identifier: string, now: number) => Promise<LimitResult>> {
  const { limit, windowSeconds } = RATE_LIMIT_POLICIES[policy];
  const limiter = await upstashLimiter(policy);
  if (limiter) {
    return async (identifier) => {
      const result = await limiter.limit(identifier);
      runAfter("ratelimit.pending", () => result.pending);
      return { success: result.success, limit: result.limit, remaining: result.remaining, reset: result.reset };
    };
  }
  const store = await kv();
  return async (identifier, now) => {
    const windowMs = windowSeconds * 1000;
    const bucket = Math.floor(now / windowMs);
    const used = await store.increment(`rl:${policy}:${identifier}:${bucket}`, { ttlSeconds: windowSeconds });
    return { success: used <= limit, limit, remaining: Math.max(0, limit - used), reset: (bucket + 1) * windowMs };
  };
}

/** Throws 429 with Retry-After when the identifier is over the policy's limit. */
export async function enforceLimit(policy: PolicyName, identifier: string, options: LimitOptions = {}): Promise<LimitResult> {
  const result = await checkLimit(policy, identifier, options);
  if (!result.success) {
    const retryAfter = Math.max(1, Math.ceil((result.reset - Date.now()) / 1000));
    throw new ApiError("rate_limited", `Too many requests. Try again in ${humanDuration(retryAfter)}.`, {
      "retry-after": String(retryAfter),
      "x-ratelimit-limit": String(result.limit),
      "x-ratelimit-remaining": "0",
    });
  }
  return result;
}

/** A wait as a person would say it: "45 seconds", "12 minutes", "5 hours and 57 minutes". */
export function humanDuration(seconds: number): string {
  const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? "" : "s"}`;
  if (seconds < 90) return unit(Math.max(1, Math.ceil(seconds)), "second");
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return unit(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${unit(hours, "hour")} and ${unit(rest, "minute")}` : unit(hours, "hour");
}

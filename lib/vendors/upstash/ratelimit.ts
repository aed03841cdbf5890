// @upstash/ratelimit, wrapped: a fixed-window limiter over the shared Upstash client. The policy
// table and the fail-open rules are lib/platform/ratelimit.ts's.
import type { Redis } from "@upstash/redis";

export interface UpstashLimiter {
  limit(identifier: string): Promise<{ success: boolean; limit: number; remaining: number; reset: number; pending: Promise<unknown> }>;
}

export async function createUpstashLimiter(
  redis: Redis,
  policy: { name: string; limit: number; windowSeconds: number },
): Promise<UpstashLimiter> {
  const { Ratelimit } = await import("@upstash/ratelimit");
  return new Ratelimit({
    redis,
    limiter: Ratelimit.fixedWindow(policy.limit, `${policy.windowSeconds} s`),
    prefix: `rl:${policy.name}`,
    timeout: 1000,
  });
}

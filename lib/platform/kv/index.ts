// Chooses the kv backend: Upstash when UPSTASH_REDIS_REST_URL and _TOKEN are set, the embedded
// SQLite file otherwise. JSON helpers live here so both backends store plain strings.
import { createHash } from "node:crypto";
import { z } from "zod";
import { bothOrNeither, defineConfig, intFromEnv, lazyAsync } from "../config/env.js";
import type { Kv } from "./types.js";

export * from "./types.js";

export const kvConfig = defineConfig(
  "kv",
  z
    .object({
      UPSTASH_REDIS_REST_URL: z.url().optional(),
      UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
      KV_TIMEOUT_MS: intFromEnv(2000),
    })
    .superRefine(bothOrNeither("UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "Upstash")),
);

export function kvBackend(): "upstash" | "sqlite" {
  return kvConfig.load().UPSTASH_REDIS_REST_URL ? "upstash" : "sqlite";
}

/** The shared Upstash client (for @upstash/ratelimit); null when kv is the embedded SQLite. */
export const upstashRedis = lazyAsync(async () => {
  const env = kvConfig.load();
  if (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN) return null;
  const { createUpstashClient } = await import("../../vendors/upstash/kv.js");
  return createUpstashClient({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: env.KV_TIMEOUT_MS });
});

export const kv = lazyAsync(build);

async function build(): Promise<Kv> {
  const client = await upstashRedis();
  if (client) {
    const { createUpstashKv } = await import("../../vendors/upstash/kv.js");
    return createUpstashKv(client);
  }
  const { createSqliteKv } = await import("./sqlite.js");
  return createSqliteKv();
}

export function setKvForTesting(value: Kv | undefined): void {
  kv.set(value);
}

/** A short, stable stand-in for a name, token or email inside a kv key (no raw personal data in keys). */
export function hashKey(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}

export async function getJson<T>(store: Kv, key: string): Promise<T | null> {
  const raw = await store.get(key);
  return raw === null ? null : (JSON.parse(raw) as T);
}

export async function setJson(store: Kv, key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void> {
  await store.set(key, JSON.stringify(value), options);
}

// Chooses the kv backend: Upstash when UPSTASH_REDIS_REST_URL and _TOKEN are set, the embedded
// SQLite file otherwise. JSON helpers live here so both backends store plain strings.
import { z } from "zod";
import { defineConfig, intFromEnv, onReset } from "../config/env.js";
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
    .superRefine((env, ctx) => {
      if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
        const missing = env.UPSTASH_REDIS_REST_URL ? "UPSTASH_REDIS_REST_TOKEN" : "UPSTASH_REDIS_REST_URL";
        ctx.addIssue({ code: "custom", path: [missing], message: "is required when the other Upstash variable is set" });
      }
    }),
);

export function kvBackend(): "upstash" | "sqlite" {
  return kvConfig.load().UPSTASH_REDIS_REST_URL ? "upstash" : "sqlite";
}

let instance: Promise<Kv> | undefined;
let redis: Promise<import("@upstash/redis").Redis> | undefined;
onReset(() => {
  instance = undefined;
  redis = undefined;
});

/** The shared Upstash client (for @upstash/ratelimit); null when kv is the embedded SQLite. */
export async function upstashRedis(): Promise<import("@upstash/redis").Redis | null> {
  const env = kvConfig.load();
  if (!env.UPSTASH_REDIS_REST_URL || !env.UPSTASH_REDIS_REST_TOKEN) return null;
  const { url, token } = { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN };
  redis ??= import("./upstash.js").then(({ createUpstashClient }) => createUpstashClient({ url, token, timeoutMs: env.KV_TIMEOUT_MS }));
  return redis;
}

export function kv(): Promise<Kv> {
  instance ??= build().catch((error: unknown) => {
    instance = undefined;
    throw error;
  });
  return instance;
}

async function build(): Promise<Kv> {
  const client = await upstashRedis();
  if (client) {
    const { createUpstashKv } = await import("./upstash.js");
    return createUpstashKv(client);
  }
  const { createSqliteKv } = await import("./sqlite.js");
  return createSqliteKv();
}

export function setKvForTesting(value: Kv | undefined): void {
  instance = value ? Promise.resolve(value) : undefined;
}

export async function getJson<T>(store: Kv, key: string): Promise<T | null> {
  const raw = await store.get(key);
  return raw === null ? null : (JSON.parse(raw) as T);
}

export async function setJson(store: Kv, key: string, value: unknown, options?: { ttlSeconds?: number }): Promise<void> {
  await store.set(key, JSON.stringify(value), options);
}

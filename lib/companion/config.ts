// Companion configuration. Without OPENAI_API_KEY the offline companion answers (model "offline").
import { z } from "zod";
import { defineConfig, intFromEnv, urlFromEnv } from "../platform/config/env.js";

export const companionConfig = defineConfig(
  "companion",
  z.object({
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: urlFromEnv("https://api.openai.com/v1"),
    OPENAI_MODEL: z.string().default("gpt-4.1-mini"),
    OPENAI_TIMEOUT_MS: intFromEnv(15_000, { min: 1000, max: 120_000 }),
    OPENAI_MAX_RETRIES: intFromEnv(1, { min: 0, max: 3 }),
    OPENAI_MODERATION: z.enum(["on", "off"]).default("on"),
    MODERATION_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
    CHAT_HISTORY_CHARS: intFromEnv(6000, { min: 500, max: 100_000 }),
    CONVERSATION_TTL_DAYS: intFromEnv(30, { min: 1, max: 365 }),
    // The LLM risk judge (lib/safety/judge.ts): raise-only, runs only with an OpenAI key.
    SAFETY_JUDGE: z.enum(["on", "off"]).default("on"),
    SAFETY_JUDGE_MODEL: z.string().default("gpt-4.1-mini"),
    SAFETY_JUDGE_TIMEOUT_MS: intFromEnv(1500, { min: 100, max: 10_000 }),
    // Shared by the history read, the plan lookup and the rate limits before a reply.
    CHAT_BACKEND_BUDGET_MS: intFromEnv(200, { min: 20, max: 5000 }),
  }),
);

export function companionBackend(): "openai" | "offline" {
  return companionConfig.load().OPENAI_API_KEY ? "openai" : "offline";
}

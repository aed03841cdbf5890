// OpenAI, wrapped: one lazily built client with an explicit timeout and bounded retries,
// responses kept out of OpenAI's storage (store: false), abuse enforcement scoped to one
// participant through a hashed safety_identifier (never the Healing Name), and moderation as a
// second safety layer. The SDK is imported only when OpenAI is configured.
import { createHash, createHmac } from "node:crypto";
import type OpenAI from "openai";
import { lazyAsync } from "../config/env.js";
import { companionConfig } from "./config.js";
import type { Turn } from "./persona.js";

const openai = lazyAsync(async (): Promise<OpenAI> => {
  const env = companionConfig.load();
  const { default: OpenAI } = await import("openai");
  return new OpenAI({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, timeout: env.OPENAI_TIMEOUT_MS, maxRetries: env.OPENAI_MAX_RETRIES });
});

/** HMAC of the Healing Name, keyed by a hash of the API key: stable per participant, not reversible. */
export function safetyIdentifier(healingName: string | undefined, apiKey: string): string | undefined {
  if (!healingName) return undefined;
  const key = createHash("sha256").update(`safety-identifier:${apiKey}`).digest();
  return createHmac("sha256", key).update(healingName).digest("hex").slice(0, 32);
}

/** Stream a completion, calling onDelta per text chunk; resolves with the whole text. */
export async function streamCompletion(input: {
  system: string;
  turns: Turn[];
  healingName?: string;
  onDelta: (text: string) => void;
  signal: AbortSignal;
}): Promise<{ text: string; model: string }> {
  const env = companionConfig.load();
  const stream = await (await openai()).chat.completions.create(
    {
      model: env.OPENAI_MODEL,
      messages: [{ role: "system", content: input.system }, ...input.turns],
      stream: true,
      store: false,
      safety_identifier: safetyIdentifier(input.healingName, env.OPENAI_API_KEY ?? ""),
      max_completion_tokens: 400,
    },
    { signal: input.signal },
  );
  let text = "";
  let model = env.OPENAI_MODEL;
  for await (const chunk of stream) {
    model = chunk.model || model;
    const delta = chunk.choices[0]?.delta?.content;
    if (delta) {
      text += delta;
      input.onDelta(delta);
    }
  }
  return { text, model };
}

export interface ModerationScores {
  selfHarm: number;
  selfHarmIntent: number;
  selfHarmInstructions: number;
}

/** Self-harm scores for the user's message, or null when moderation is off or unavailable. */
export async function moderate(text: string, signal: AbortSignal): Promise<ModerationScores | null> {
  const env = companionConfig.load();
  if (env.OPENAI_MODERATION === "off") return null;
  const result = await (await openai()).moderations.create({ model: "omni-moderation-latest", input: text }, { signal, maxRetries: 0 });
  const scores = result.results[0]?.category_scores;
  if (!scores) return null;
  return {
    selfHarm: scores["self-harm"] ?? 0,
    selfHarmIntent: scores["self-harm/intent"] ?? 0,
    selfHarmInstructions: scores["self-harm/instructions"] ?? 0,
  };
}

/** For /api/health?deep=1: builds the client, then returns one cheap authenticated call (the model list, no retries). */
export async function openAIProbe(): Promise<(signal: AbortSignal) => Promise<unknown>> {
  const client = await openai();
  return (signal) => client.models.list({ signal, maxRetries: 0 });
}

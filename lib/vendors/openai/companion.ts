// OpenAI, wrapped: one lazily built client with an explicit timeout and bounded retries,
// responses kept out of OpenAI's storage (store: false), abuse enforcement scoped to one
// participant through a hashed safety_identifier (never the Healing Name), and moderation as a
// second safety layer. The SDK is imported only when OpenAI is configured.
import { createHash, createHmac } from "node:crypto";
import type OpenAI from "openai";
import { lazyAsync } from "../../platform/config/env.js";

/** The OpenAI settings the companion's configuration carries (lib/companion/config.ts validates them). */
export interface OpenAISettings {
  OPENAI_API_KEY?: string | undefined;
  OPENAI_BASE_URL: string;
  OPENAI_MODEL: string;
  OPENAI_TIMEOUT_MS: number;
  OPENAI_MAX_RETRIES: number;
  OPENAI_MODERATION: "on" | "off";
}

interface Turn {
  role: "user" | "assistant";
  content: string;
}

let settings: OpenAISettings | undefined;
const openai = lazyAsync(async (): Promise<OpenAI> => {
  const env = settings!;
  const { default: OpenAI } = await import("openai");
  return new OpenAI({
    apiKey: env.OPENAI_API_KEY,
    baseURL: env.OPENAI_BASE_URL,
    timeout: env.OPENAI_TIMEOUT_MS,
    maxRetries: env.OPENAI_MAX_RETRIES,
  });
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
  settings: OpenAISettings;
}): Promise<{ text: string; model: string }> {
  const env = (settings = input.settings);
  const stream = await (
    await openai()
  ).chat.completions.create(
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
export async function moderate(text: string, signal: AbortSignal, env: OpenAISettings): Promise<ModerationScores | null> {
  settings = env;
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
export async function openAIProbe(env: OpenAISettings): Promise<(signal: AbortSignal) => Promise<unknown>> {
  settings = env;
  const client = await openai();
  return (signal) => client.models.list({ signal, maxRetries: 0 });
}

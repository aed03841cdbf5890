// The safety judge's OpenAI client: no retries, its own timeout, and a structured-output format
// built from the judge's verdict schema. Imported dynamically by lib/safety/judge.ts, only when the
// judge runs, so the crisis path's static imports stay free of the SDK.
import type { z } from "zod";

export async function createJudgeClient<S extends z.ZodType>(
  options: { apiKey?: string; baseURL: string; timeoutMs: number },
  verdictSchema: S,
) {
  const [{ default: OpenAIClient }, { zodResponseFormat }] = await Promise.all([import("openai"), import("openai/helpers/zod")]);
  const openai = new OpenAIClient({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: options.timeoutMs, maxRetries: 0 });
  return { openai, responseFormat: zodResponseFormat(verdictSchema, "risk_verdict") };
}

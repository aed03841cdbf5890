// One chat turn. Screen first, on the message plus the recent turns. High or imminent: the safe
// reply, no LLM call, and a Crisis Event with an operator alert after the reply — this path
// needs no network, no rate limiter and no store. Otherwise the companion answers (OpenAI with
// moderation as a second layer, or the offline companion), with a safety addendum at medium.
// Turns are stored only with consent.
import { z } from "zod";
import { runAfter } from "../background.js";
import { planOf } from "../billing.js";
import { records } from "../records/index.js";
import { newCrisisEvent } from "../crisis-events.js";
import { drainSoon, reportCrisis } from "../drain.js";
import type { Kv } from "../kv/index.js";
import { describeError, log } from "../log.js";
import { enforceLimit } from "../ratelimit.js";
import { healingNameSchema } from "../reflections.js";
import { defaultCountry } from "../safety/config.js";
import { isHardStop, levelRank, maxLevel, type SafetyLevel } from "../safety/levels.js";
import { safeReply } from "../safety/reply.js";
import { resolveCountry, resourcesFor, type CountryResources } from "../safety/resources.js";
import { screen } from "../safety/screen.js";
import { within } from "../timeout.js";
import { syncConsent } from "../users.js";
import { companionConfig } from "./config.js";
import { appendTurns, CONVERSATION_ID, forgetConversation, loadTurns, newConversationId } from "./conversation.js";
import { fallbackReply, OFFLINE_MODEL, offlineReply } from "./offline.js";
import { systemPrompt, trimHistory, type Turn } from "./persona.js";

export const SAFETY_MODEL = "safety";
export const FALLBACK_MODEL = "fallback";
const MODERATION_WAIT_MS = 2500;

export const ChatInput = z.strictObject({
  message: z.string().trim().min(1, "must not be empty").max(4000, "must be at most 4000 characters"),
  healingName: healingNameSchema.optional(),
  consent: z.boolean().optional(),
  conversationId: z.string().regex(CONVERSATION_ID, "must be the conversationId this API returned").optional(),
  country: z.string().regex(/^[A-Za-z]{2}$/, "must be a two-letter country code").optional(),
  // Earlier turns from the client, used for context and screening when none are stored. Never stored.
  history: z
    .array(z.strictObject({ role: z.enum(["user", "assistant"]), content: z.string().max(4000) }))
    .max(20)
    .optional(),
});
export type ChatInput = z.infer<typeof ChatInput>;

export interface ChatSafety {
  level: SafetyLevel;
  categories: string[];
  resources?: CountryResources;
}

export interface ChatDone {
  response: string;
  conversationId: string;
  safety: ChatSafety;
  model: string;
}

export interface ChatEvents {
  onSafety(safety: ChatSafety): void;
  onDelta(text: string): void;
}

export interface ChatSession {
  conversationId: string;
  /** Produces the reply; always resolves (failures become a gentle fallback). */
  run(events: ChatEvents): Promise<ChatDone>;
}

function safetyOf(level: SafetyLevel, categories: string[], resources: CountryResources): ChatSafety {
  return levelRank(level) >= levelRank("medium") ? { level, categories, resources } : { level, categories };
}

export async function startChat(
  input: ChatInput,
  ctx: { headers: Headers; ip: string; kv: () => Promise<Kv> },
): Promise<ChatSession> {
  const conversationId = input.conversationId ?? newConversationId();
  const store = await ctx.kv().catch(() => null);
  const consented = input.consent === true;

  let context: Turn[] = input.history ?? [];
  if (consented && input.conversationId && store) {
    // Bounded: a slow kv must not hold up a reply, least of all a crisis reply.
    const stored = await within(loadTurns(store, input.conversationId), 800, () => []).catch((error: unknown) => {
      log.warn("chat.history_unavailable", describeError(error));
      return [];
    });
    if (stored.length) context = stored.map(({ role, content }) => ({ role, content }));
  }
  if (input.consent === false && input.conversationId && store) {
    runAfter("chat.forget", () => forgetConversation(store, input.conversationId!));
  }
  if (input.healingName && typeof input.consent === "boolean" && store) {
    const change = { healingName: input.healingName, consent: input.consent };
    runAfter("chat.consent", async () => (await syncConsent(store, change)) && drainSoon());
  }

  const screened = screen(input.message, { history: context.filter((t) => t.role === "user").map((t) => t.content) });
  const country = resolveCountry({ bodyCountry: input.country, headers: ctx.headers, defaultCountry: defaultCountry() });
  const resources = resourcesFor(country);
  log.info("chat.screened", { conversationId, level: screened.level, signals: screened.signals });

  const hardStop = (level: SafetyLevel, categories: string[]): string => {
    reportCrisis(newCrisisEvent({ level, categories, source: "chat", country, healingName: input.healingName }));
    return safeReply({ level, categories, resources, healingName: input.healingName });
  };
  const remember = (reply: string) => {
    if (!consented || !store) return;
    const at = new Date().toISOString();
    const turns = [
      { role: "user" as const, content: input.message, at },
      { role: "assistant" as const, content: reply, at },
    ];
    runAfter("chat.remember", () => appendTurns(store, { conversationId, turns, ttlDays: companionConfig.load().CONVERSATION_TTL_DAYS }));
  };

  if (isHardStop(screened.level)) {
    return {
      conversationId,
      async run(events) {
        const safety = safetyOf(screened.level, screened.categories, resources);
        events.onSafety(safety);
        const response = hardStop(screened.level, screened.categories);
        events.onDelta(response);
        remember(response);
        return { response, conversationId, safety, model: SAFETY_MODEL };
      },
    };
  }

  // A message that screens high or imminent is answered whatever the limits; everything else is limited.
  await enforceLimit("chat:ip", ctx.ip);
  if (input.healingName) {
    // The participant's plan picks their daily allowance; unknown or unreachable means free.
    const plan = await within(planOf({ kv: store, records }, input.healingName), 800, () => "free" as const).catch(() => "free" as const);
    await enforceLimit(plan === "member" ? "chat:member" : "chat:free", input.healingName);
  }

  const env = companionConfig.load();
  const turns = trimHistory([...context, { role: "user", content: input.message }], env.CHAT_HISTORY_CHARS);
  if (!turns.length) turns.push({ role: "user", content: input.message });
  const base = { level: screened.level, categories: screened.categories };

  return {
    conversationId,
    async run(events) {
      if (!env.OPENAI_API_KEY) {
        const safety = safetyOf(base.level, base.categories, resources);
        events.onSafety(safety);
        const response = offlineReply({ message: input.message, healingName: input.healingName, level: base.level });
        for (const piece of response.match(/\S+\s*/g) ?? [response]) events.onDelta(piece);
        remember(response);
        return { response, conversationId, safety, model: OFFLINE_MODEL };
      }
      const outcome = await companionReply({
        system: systemPrompt({ healingName: input.healingName, ...base }),
        turns,
        message: input.message,
        healingName: input.healingName,
        base,
        events,
        resources,
        threshold: env.MODERATION_THRESHOLD,
        hardStop,
      });
      remember(outcome.response);
      return { ...outcome, conversationId };
    },
  };
}

async function companionReply(input: {
  system: string;
  turns: Turn[];
  message: string;
  healingName?: string;
  base: { level: SafetyLevel; categories: string[] };
  events: ChatEvents;
  resources: CountryResources;
  threshold: number;
  hardStop: (level: SafetyLevel, categories: string[]) => string;
}): Promise<Omit<ChatDone, "conversationId">> {
  const { streamCompletion, moderate } = await import("./openai.js");
  const controller = new AbortController();
  const held: string[] = [];
  let released = false;
  let sent = false;
  const emit = (text: string) => {
    sent = true;
    input.events.onDelta(text);
  };

  // Generation and moderation run in parallel; deltas are held until moderation has spoken.
  const generation = streamCompletion({
    system: input.system,
    turns: input.turns,
    healingName: input.healingName,
    signal: controller.signal,
    onDelta: (text) => (released ? emit(text) : held.push(text)),
  });
  generation.catch(() => undefined);
  const scores = await Promise.race([
    moderate(input.message, AbortSignal.timeout(MODERATION_WAIT_MS)).catch((error: unknown) => {
      log.warn("chat.moderation_unavailable", describeError(error));
      return null;
    }),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), MODERATION_WAIT_MS).unref()),
  ]);

  let { level, categories } = input.base;
  if (scores) {
    const raised: SafetyLevel =
      scores.selfHarmIntent >= input.threshold || scores.selfHarmInstructions >= input.threshold
        ? "high"
        : scores.selfHarm >= input.threshold
          ? "medium"
          : "none";
    if (levelRank(raised) > levelRank(level)) {
      level = maxLevel(level, raised);
      categories = [...new Set([...categories, "self_harm"])].sort();
      log.info("chat.moderation_raised", { level });
    }
  }
  const safety = safetyOf(level, categories, input.resources);
  input.events.onSafety(safety);

  if (isHardStop(level)) {
    controller.abort();
    const response = input.hardStop(level, categories);
    emit(response);
    return { response, safety, model: SAFETY_MODEL };
  }

  released = true;
  held.splice(0).forEach(emit);
  try {
    const { text, model } = await generation;
    if (!text.trim()) throw new Error("empty completion");
    return { response: text, safety, model };
  } catch (error) {
    log.warn("chat.companion_unavailable", describeError(error));
    const response = fallbackReply(input.healingName);
    emit(sent ? `\n\n${response}` : response);
    return { response, safety, model: FALLBACK_MODEL };
  }
}

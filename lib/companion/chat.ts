// One chat turn. Assess first (lib/safety/assess), on the message plus the recent turns. High or
// imminent: the safe reply, no LLM call, and a Crisis Event with an operator alert after the reply
// — this path needs no network, no rate limiter and no store. Otherwise the companion answers
// (OpenAI with moderation and the risk judge as raise-only second opinions, or the offline
// companion), with a safety addendum at medium. Turns are stored only with consent.
import { z } from "zod";
import { runAfter } from "../platform/background.js";
import { planOf } from "../billing/billing.js";
import { records } from "../platform/records/index.js";
import { drainSoon, reportCrisis } from "../delivery/after.js";
import type { Kv } from "../platform/kv/index.js";
import { describeError, log, warnAndReturn } from "../platform/log.js";
import { enforceLimit } from "../platform/ratelimit.js";
import { countrySchema, healingNameSchema, trimmedText } from "../platform/validation.js";
import { assess, safetyView, settle, type AssessInput, type Assessment } from "../safety/assess.js";
import { deadline, within } from "../platform/timeout.js";
import { syncConsent } from "../participants/consent-sync.js";
import { participantKey } from "../participants/names.js";
import { indexConversation } from "../privacy/keys.js";
import { companionConfig } from "./config.js";
import { appendTurns, CONVERSATION_ID, forgetConversation, loadTurns, newConversationId } from "./conversation.js";
import { OFFLINE_MODEL, offlineReply } from "./offline.js";
import { companionReply } from "./reply.js";
import { SAFETY_MODEL, type ChatDone, type ChatEvents } from "./outcome.js";

export { FALLBACK_MODEL, SAFETY_MODEL, type ChatDone, type ChatEvents, type ChatSafety } from "./outcome.js";
import { systemPrompt, trimHistory, type Turn } from "./persona.js";

export const ChatInput = z.strictObject({
  message: trimmedText(4000),
  healingName: healingNameSchema.optional(),
  consent: z.boolean().optional(),
  conversationId: z.string().regex(CONVERSATION_ID, "must be the conversationId this API returned").optional(),
  country: countrySchema.optional(),
  // Earlier turns from the client, used for context and screening when none are stored. Never stored.
  history: z
    .array(z.strictObject({ role: z.enum(["user", "assistant"]), content: z.string().max(4000) }))
    .max(20)
    .optional(),
});
export type ChatInput = z.infer<typeof ChatInput>;

export interface ChatSession {
  conversationId: string;
  /** Produces the reply; always resolves (failures become a gentle fallback). */
  run(events: ChatEvents): Promise<ChatDone>;
}

/** A turn answered by the safe reply alone: no LLM, no limiter; `remember` stores it when consented. */
export function hardStopSession(
  assessment: Assessment,
  conversationId: string,
  remember: (reply: string) => Promise<void> = async () => undefined,
): ChatSession {
  return {
    conversationId,
    async run(events) {
      const safety = safetyView(assessment);
      events.onSafety(safety);
      events.onDelta(assessment.reply);
      await remember(assessment.reply);
      return { response: assessment.reply, conversationId, safety, model: SAFETY_MODEL };
    },
  };
}

/** How long the end of a reply waits for its consented turn to be stored. */
const REMEMBER_WAIT_MS = 500;

function backendBudgetMs(): number {
  try {
    return companionConfig.load().CHAT_BACKEND_BUDGET_MS;
  } catch {
    // An invalid companion config is reported where it is loaded for the reply, and by /api/health.
    return 200;
  }
}

export async function startChat(input: ChatInput, ctx: { headers: Headers; ip: string; kv: () => Promise<Kv> }): Promise<ChatSession> {
  const conversationId = input.conversationId ?? newConversationId();
  const store = await ctx.kv().catch(warnAndReturn("chat.kv_unavailable", null));
  const consented = input.consent === true;
  // Every backend call before the reply shares one small budget (a kv or Airtable that accepts
  // connections and never answers must not hold the reply up); each falls back when it runs out.
  // A misconfigured companion must not stop the screen: fall back to the default budget here.
  const budgetMs = backendBudgetMs();
  const budget = deadline(budgetMs);
  const startedAt = performance.now();

  let context: Turn[] = input.history ?? [];
  // A kv that did not answer in time before the reply is not waited for after it either.
  let storeSlow = false;
  if (consented && input.conversationId && store) {
    // Bounded: a slow kv must not hold up a reply, least of all a crisis reply.
    const stored = await budget
      .within(loadTurns(store, input.conversationId), () => {
        storeSlow = true;
        return [];
      })
      .catch((error: unknown) => {
        storeSlow = true;
        log.warn("chat.history_unavailable", describeError(error));
        return [];
      });
    if (stored.length) context = stored.map(({ role, content }) => ({ role, content }));
  }
  if (input.consent === false && input.conversationId && store) {
    runAfter("chat.forget", () => forgetConversation(store, input.conversationId!));
  }
  if (input.healingName && typeof input.consent === "boolean" && store) {
    const change = { healingName: input.healingName, consent: input.consent, at: new Date().toISOString() };
    runAfter("chat.consent", async () => (await syncConsent(store, change)) && drainSoon());
  }

  const userTurns = context.filter((t) => t.role === "user").map((t) => t.content);
  const assessInput: AssessInput = {
    message: input.message,
    history: userTurns,
    source: "chat",
    country: input.country,
    headers: ctx.headers,
    healingName: input.healingName,
    clientIp: ctx.ip,
  };
  const deps = { report: reportCrisis };
  const offline = assess(assessInput, deps);
  log.info("chat.screened", { conversationId, level: offline.level, signals: offline.signals, decidedBy: offline.decidedBy });

  // A consented turn is stored before the reply's last event, so a reload right after the reply
  // shows it; a slow store holds the reply's end for at most REMEMBER_WAIT_MS (none when it already
  // missed the budget before the reply), then the write finishes in the background.
  const remember = async (reply: string): Promise<void> => {
    if (!consented || !store) return;
    const at = new Date().toISOString();
    const turns = [
      { role: "user" as const, content: input.message, at },
      { role: "assistant" as const, content: reply, at },
    ];
    const ttlDays = companionConfig.load().CONVERSATION_TTL_DAYS;
    const write = (async () => {
      await appendTurns(store, { conversationId, turns, ttlDays });
      if (input.healingName) await indexConversation(store, { healingName: input.healingName, conversationId, ttlDays });
    })();
    runAfter("chat.remember", () => write);
    // Its failure is logged by runAfter; here only how long the reply's end waits for it.
    if (!storeSlow)
      await within(
        write.catch(() => undefined),
        REMEMBER_WAIT_MS,
        () => undefined,
      );
  };

  if (offline.hardStop) return hardStopSession(offline, conversationId, remember);

  // A message that screens high or imminent is answered whatever the limits; everything else is limited.
  // The participant's plan picks their daily allowance; unknown or unreachable means free.
  const plan = input.healingName
    ? budget
        .within(planOf({ kv: store, records }, input.healingName), () => "free" as const)
        .catch(warnAndReturn("chat.plan_unavailable", "free" as const))
    : undefined;
  await enforceLimit("chat:ip", ctx.ip, { within: budget.within });
  // Counted per participant (any spelling of the name), under a hash: no name in a limiter key.
  if (input.healingName)
    await enforceLimit((await plan) === "member" ? "chat:member" : "chat:free", participantKey(input.healingName), {
      within: budget.within,
    });

  const env = companionConfig.load();
  // Backends that used up the whole budget before the reply (limits, plan) are not waited for after it.
  if (performance.now() - startedAt >= budgetMs) storeSlow = true;
  const turns = trimHistory([...context, { role: "user", content: input.message }], env.CHAT_HISTORY_CHARS);
  if (!turns.length) turns.push({ role: "user", content: input.message });
  const base = { level: offline.level, categories: offline.categories };

  return {
    conversationId,
    async run(events) {
      if (!env.OPENAI_API_KEY) {
        const safety = safetyView(offline);
        events.onSafety(safety);
        const response = offlineReply({ message: input.message, healingName: input.healingName, level: base.level });
        for (const piece of response.match(/\S+\s*/g) ?? [response]) events.onDelta(piece);
        await remember(response);
        return { response, conversationId, safety, model: OFFLINE_MODEL };
      }
      const outcome = await companionReply({
        system: systemPrompt({ healingName: input.healingName, ...base }),
        turns,
        message: input.message,
        healingName: input.healingName,
        history: userTurns,
        offline,
        events,
        threshold: env.MODERATION_THRESHOLD,
        escalate: (raised) => settle(assessInput, deps, { ...raised, lang: offline.lang }),
      });
      await remember(outcome.response);
      return { ...outcome, conversationId };
    },
  };
}

// The OpenAI companion reply for one chat turn. Generation and moderation start together; text is
// held back until moderation has spoken, so a message moderation raises to high gets the safe
// reply instead — and a failed or slow generation gets a gentle fallback, never an error.
import { describeError, log } from "../log.js";
import { within } from "../timeout.js";
import { isHardStop, levelRank, maxLevel, type SafetyLevel } from "../safety/levels.js";
import type { CountryResources } from "../safety/resources.js";
import { FALLBACK_MODEL, SAFETY_MODEL, safetyOf, type ChatDone, type ChatEvents } from "./outcome.js";
import { fallbackReply } from "./offline.js";
import type { Turn } from "./persona.js";

const MODERATION_WAIT_MS = 2500;

export async function companionReply(input: {
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
  // A plain controller and one timer, both released as soon as moderation answers: an
  // AbortSignal.timeout per turn (and a race timer left to run out) is held by Node's
  // FinalizationRegistry long after the turn, which kept the runner's memory growing.
  const moderation = new AbortController();
  const scores = await within(
    moderate(input.message, moderation.signal).catch((error: unknown) => {
      log.warn("chat.moderation_unavailable", describeError(error));
      return null;
    }),
    MODERATION_WAIT_MS,
    () => {
      moderation.abort();
      return null;
    },
  );

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

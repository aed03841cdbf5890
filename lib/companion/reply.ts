// The OpenAI companion reply for one chat turn. Generation, moderation and the risk judge start
// together; text is held back until both second opinions have spoken (each bounded), so a message
// either raises to a hard stop gets the safe reply instead — and a failed or slow generation gets a
// gentle fallback, never an error. Second opinions only raise the offline screen's level.
import { describeError, log } from "../platform/log.js";
import { raiseTo, safetyView, type Assessment, type Decider } from "../safety/assess.js";
import { judgeOpinion } from "../safety/judge.js";
import { isHardStop, type SafetyLevel } from "../safety/levels.js";
import { within } from "../platform/timeout.js";
import { FALLBACK_MODEL, SAFETY_MODEL, type ChatDone, type ChatEvents } from "./outcome.js";
import { fallbackReply } from "./offline.js";
import type { Turn } from "./persona.js";
import { companionConfig } from "./config.js";

const MODERATION_WAIT_MS = 2500;

export async function companionReply(input: {
  system: string;
  turns: Turn[];
  message: string;
  healingName?: string;
  /** Earlier user turns, for the judge. */
  history: readonly string[];
  /** The offline assessment (not a hard stop). */
  offline: Assessment;
  events: ChatEvents;
  threshold: number;
  /** Settles a level a second opinion raised: resources, reply, and the Crisis Event for a hard stop. */
  escalate: (raised: { level: SafetyLevel; categories: string[]; signals: string[]; decidedBy: Decider }) => Assessment;
}): Promise<Omit<ChatDone, "conversationId">> {
  const { streamCompletion, moderate } = await import("../vendors/openai/companion.js");
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
    settings: companionConfig.load(),
  });
  // Its failure reaches the caller where it is awaited below; this only keeps one that comes
  // earlier (or after a hard stop, which never awaits it) from being an unhandled rejection.
  generation.catch(() => undefined);
  // A plain controller and one timer, both released as soon as moderation answers: an
  // AbortSignal.timeout per turn (and a race timer left to run out) is held by Node's
  // FinalizationRegistry long after the turn, which kept the runner's memory growing.
  // The judge runs beside it, bounded by its own budget.
  const judge = judgeOpinion();
  const moderation = new AbortController();
  const [scores, opinion] = await Promise.all([
    within(
      moderate(input.message, moderation.signal, companionConfig.load()).catch((error: unknown) => {
        log.warn("chat.moderation_unavailable", describeError(error));
        return null;
      }),
      MODERATION_WAIT_MS,
      () => {
        moderation.abort();
        return null;
      },
    ),
    judge ? judge({ message: input.message, history: input.history }) : Promise.resolve(null),
  ]);

  let result = {
    level: input.offline.level,
    categories: input.offline.categories,
    signals: input.offline.signals,
    decidedBy: input.offline.decidedBy,
  };
  if (scores) {
    const moderated: SafetyLevel =
      scores.selfHarmIntent >= input.threshold || scores.selfHarmInstructions >= input.threshold
        ? "high"
        : scores.selfHarm >= input.threshold
          ? "medium"
          : "none";
    result = raiseTo(result, moderated, ["self_harm"], "moderation");
  }
  if (opinion) result = raiseTo(result, opinion.level, opinion.categories, "judge");
  const settled =
    result.decidedBy === input.offline.decidedBy && result.level === input.offline.level ? input.offline : input.escalate(result);
  if (settled !== input.offline) log.info("chat.second_opinion_raised", { level: settled.level, decidedBy: settled.decidedBy });
  const safety = safetyView(settled);
  input.events.onSafety(safety);

  if (isHardStop(settled.level)) {
    controller.abort();
    emit(settled.reply);
    return { response: settled.reply, safety, model: SAFETY_MODEL };
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

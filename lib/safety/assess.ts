// One assessment path for every entry point (/api/crisis, /api/chat, /api/reflection): screen the
// message with its recent turns, let the second layers raise the level, pick the resources and the
// safe reply in the person's language, and schedule the Crisis Event and operator alert for a hard
// stop. The offline part is synchronous and depends on nothing that can fail — no network, no
// store, no rate limiter — so callers run it before any of those. The judge is optional, bounded
// and raise-only.
import { createHash, randomUUID } from "node:crypto";
import type { CrisisEventPayload } from "../crisis-events/crisis-events.js";
import { defaultCountry } from "./config.js";
import { isHardStop, levelRank, type SafetyLevel } from "./levels.js";
import { safeReply } from "./reply.js";
import { resolveCountry, resourcesFor, type CountryResources } from "./resources.js";
import { screen, type Layer, type ScreenResult } from "./screen.js";

export type Source = CrisisEventPayload["source"];
/** Which layer kept the level: the offline layers, or a second opinion from OpenAI. */
export type Decider = Layer | "moderation" | "none";

export interface AssessInput {
  message: string;
  /** The participant's earlier messages, oldest first. */
  history?: readonly string[];
  source: Source;
  /** A country code from the request body; headers and the default fill in. */
  country?: string;
  headers?: Headers;
  healingName?: string;
  /** The caller's address: with no Healing Name, it tells one person's repeated hard stops apart from another's. */
  clientIp?: string;
}

export interface Assessment {
  level: SafetyLevel;
  categories: string[];
  /** Rule ids, never text. */
  signals: string[];
  decidedBy: Decider;
  lang: string;
  country: string;
  resources: CountryResources;
  hardStop: boolean;
  /** The safe-messaging reply for this level, in the message's language. */
  reply: string;
  /** Set when a Crisis Event was scheduled. */
  eventId?: string;
}

export interface JudgeOpinion {
  level: SafetyLevel;
  categories: string[];
}

export interface AssessDeps {
  /** Schedules the Crisis Event and the operator alert after the answer; must neither throw nor block. */
  report(event: CrisisEventPayload): void;
  /** A second opinion (the LLM judge); resolves null when unavailable. Raise-only. */
  judge?: (input: { message: string; history: readonly string[]; signal?: AbortSignal }) => Promise<JudgeOpinion | null>;
}

/** The offline assessment: synchronous, and the same for every entry point. */
export function assess(input: AssessInput, deps: AssessDeps): Assessment {
  return settle(input, deps, screen(input.message, { history: input.history }));
}

/** The offline assessment, then the judge when it can still raise the level (not already a hard stop). */
export async function assessWithJudge(input: AssessInput, deps: AssessDeps, signal?: AbortSignal): Promise<Assessment> {
  const screened = screen(input.message, { history: input.history });
  if (isHardStop(screened.level) || !deps.judge) return settle(input, deps, screened);
  const opinion = await deps.judge({ message: input.message, history: input.history ?? [], signal }).catch(() => null);
  return settle(input, deps, opinion ? raiseTo(screened, opinion.level, opinion.categories, "judge") : screened);
}

/** The level a second layer gives, kept only when it is higher. */
export function raiseTo<T extends Pick<ScreenResult, "level" | "categories" | "signals"> & { decidedBy: Decider }>(
  result: T,
  level: SafetyLevel,
  categories: readonly string[],
  by: Decider,
): T {
  if (levelRank(level) <= levelRank(result.level)) return result;
  return {
    ...result,
    level,
    categories: [...new Set([...result.categories, ...categories])].sort(),
    signals: [...result.signals, `${by}.${level}`],
    decidedBy: by,
  };
}

/** Resources and reply for the level, and the Crisis Event for a hard stop. */
export function settle(
  input: AssessInput,
  deps: AssessDeps,
  screened: Omit<ScreenResult, "decidedBy"> & { decidedBy: Decider },
): Assessment {
  const country = resolveCountry({ bodyCountry: input.country, headers: input.headers ?? new Headers(), defaultCountry: defaultCountry() });
  const resources = resourcesFor(country);
  const hardStop = isHardStop(screened.level);
  const assessment: Assessment = {
    level: screened.level,
    categories: screened.categories,
    signals: screened.signals,
    decidedBy: screened.decidedBy,
    lang: screened.lang,
    country,
    resources,
    hardStop,
    reply: safeReply({
      level: screened.level,
      categories: screened.categories,
      resources,
      healingName: input.healingName,
      lang: screened.lang,
    }),
  };
  if (hardStop) {
    const event: CrisisEventPayload = {
      eventId: randomUUID(),
      level: screened.level,
      categories: screened.categories,
      source: input.source,
      country,
      healingName: input.healingName,
      decidedBy: screened.decidedBy === "none" ? undefined : screened.decidedBy,
      subject: subjectOf(input),
      createdAt: new Date().toISOString(),
    };
    assessment.eventId = event.eventId;
    try {
      deps.report(event);
    } catch {
      // Reporting is best effort after the answer; the answer itself must not fail.
    }
  }
  return assessment;
}

/** Who a Crisis Event is about, as a one-way hash (never stored in the records): the Healing Name,
 * else the client address; none when neither is known. */
function subjectOf(input: AssessInput): string | undefined {
  const who = input.healingName
    ? `name:${input.healingName.trim().toLowerCase()}`
    : input.clientIp && input.clientIp !== "unknown"
      ? `ip:${input.clientIp}`
      : undefined;
  return who && createHash("sha256").update(who).digest("hex").slice(0, 32);
}

/** What an answer shows of an assessment: resources travel with the answer from medium up. */
export function safetyView(a: Pick<Assessment, "level" | "categories" | "resources">): {
  level: SafetyLevel;
  categories: string[];
  resources?: CountryResources;
} {
  return levelRank(a.level) >= levelRank("medium")
    ? { level: a.level, categories: a.categories, resources: a.resources }
    : { level: a.level, categories: a.categories };
}

// What the crisis path reads from a request body, leniently: the message, the earlier turns (as
// plain strings or as chat turns) and, when they are valid, the country and Healing Name. Nothing
// else in the body can stop a crisis answer: unknown keys are ignored, an invalid country or name
// is dropped, and each endpoint validates the rest only after the screen has run.
// Plain code on purpose: the crisis path loads no validation library (see docs/crisis-screen.md).
import { ApiError } from "../platform/http/errors.js";
import { COUNTRY_CODE, isHealingName, textProblem } from "../platform/text-rules.js";

const MAX_TURN = 8000;
const MAX_TURNS = 20;
/** The longest text any entry point screens (a reflection's length): longer is refused, shorter is screened first. */
export const SCREEN_MAX_CHARS = 20_000;

export interface Screenable {
  message: string;
  history: string[];
  country?: string;
  healingName?: string;
}

/**
 * Earlier turns: strings, or chat turns of which the user's count. Lenient on purpose: the last 20
 * are read, each cut to 8,000 characters, and entries of any other shape are skipped — one odd turn
 * must not throw away the context that makes "tonight." a crisis. Anything but an array is no history.
 */
export function readHistory(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .slice(-MAX_TURNS)
    .flatMap((t: unknown) => {
      if (typeof t === "string") return [t];
      if (
        t &&
        typeof t === "object" &&
        (t as { role?: unknown }).role === "user" &&
        typeof (t as { content?: unknown }).content === "string"
      )
        return [(t as { content: string }).content];
      return [];
    })
    .map((t) => t.slice(0, MAX_TURN));
}

type Read = { ok: true; value: Screenable } | { ok: false; problem: string };

function read(body: unknown, field: "message" | "reflection", max: number): Read {
  if (!body || typeof body !== "object" || Array.isArray(body)) return { ok: false, problem: "the body must be a JSON object" };
  const fields = body as Record<string, unknown>;
  const problem = textProblem(fields[field], max);
  if (problem) return { ok: false, problem: `${field}: ${problem}` };
  const country = typeof fields.country === "string" && COUNTRY_CODE.test(fields.country) ? fields.country : undefined;
  const healingName = isHealingName(fields.healingName) ? fields.healingName.trim() : undefined;
  return { ok: true, value: { message: (fields[field] as string).trim(), history: readHistory(fields.history), country, healingName } };
}

/** The screenable part of a body, or null when it has no usable text to screen. */
export function screenable(body: unknown, field: "message" | "reflection" = "message", max = SCREEN_MAX_CHARS): Screenable | null {
  const result = read(body, field, max);
  return result.ok ? result.value : null;
}

/** The screenable part of a body, or a 422 that names the field (never its value). */
export function requireScreenable(body: unknown, field: "message" | "reflection" = "message", max = SCREEN_MAX_CHARS): Screenable {
  const result = read(body, field, max);
  if (!result.ok) throw new ApiError("unprocessable_entity", `Invalid request body — ${result.problem}`);
  return result.value;
}

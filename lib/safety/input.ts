// What the crisis path reads from a request body, leniently: the message, the earlier turns (as
// plain strings or as chat turns) and, when they are valid, the country and Healing Name. Nothing
// else in the body can stop a crisis answer: unknown keys are ignored, an invalid country or name
// is dropped, and each endpoint validates the rest only after the screen has run.
import { z } from "zod";
import { COUNTRY_CODE, healingNameSchema, trimmedText } from "../validation.js";

const MAX_TURN = 8000;
/** The longest text any entry point screens (a reflection's length): longer is refused, shorter is screened first. */
export const SCREEN_MAX_CHARS = 20_000;

/**
 * Earlier turns: strings, or chat turns of which the user's count. Lenient on purpose: the last 20
 * are read, each cut to 8,000 characters, and entries of any other shape are skipped — one odd turn
 * must not throw away the context that makes "tonight." a crisis.
 */
export const historySchema = z.array(z.unknown()).transform((turns) =>
  turns
    .slice(-20)
    .flatMap((t) => {
      if (typeof t === "string") return [t];
      if (t && typeof t === "object" && (t as { role?: unknown }).role === "user" && typeof (t as { content?: unknown }).content === "string") return [(t as { content: string }).content];
      return [];
    })
    .map((t) => t.slice(0, MAX_TURN)),
);

const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const screenableSchema = (field: "message" | "reflection", max: number) =>
  z.object({
    [field]: trimmedText(max),
    history: lenient(historySchema),
    country: lenient(z.string().regex(COUNTRY_CODE)),
    healingName: lenient(healingNameSchema),
  });

export interface Screenable {
  message: string;
  history: string[];
  country?: string;
  healingName?: string;
}

/** The screenable part of a body, or null when it has no usable text to screen. */
export function screenable(body: unknown, field: "message" | "reflection" = "message", max = SCREEN_MAX_CHARS): Screenable | null {
  const parsed = screenableSchema(field, max).safeParse(body);
  if (!parsed.success) return null;
  const data = parsed.data as Record<string, unknown>;
  return { message: data[field] as string, history: (data.history as string[] | undefined) ?? [], country: data.country as string | undefined, healingName: data.healingName as string | undefined };
}

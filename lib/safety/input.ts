// What the crisis path reads from a request body, leniently: the message, the earlier turns (as
// plain strings or as chat turns) and, when they are valid, the country and Healing Name. Nothing
// else in the body can stop a crisis answer: unknown keys are ignored, an invalid country or name
// is dropped, and each endpoint validates the rest only after the screen has run.
import { z } from "zod";
import { COUNTRY_CODE, healingNameSchema, trimmedText } from "../validation.js";

const MAX_TURN = 8000;

/** Earlier turns: strings, or chat turns of which the user's count. */
export const historySchema = z
  .array(z.union([z.string().max(MAX_TURN), z.object({ role: z.string(), content: z.string().max(MAX_TURN) })]))
  .max(20)
  .transform((turns) => turns.flatMap((t) => (typeof t === "string" ? [t] : t.role === "user" ? [t.content] : [])));

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
export function screenable(body: unknown, field: "message" | "reflection" = "message", max = MAX_TURN): Screenable | null {
  const parsed = screenableSchema(field, max).safeParse(body);
  if (!parsed.success) return null;
  const data = parsed.data as Record<string, unknown>;
  return { message: data[field] as string, history: (data.history as string[] | undefined) ?? [], country: data.country as string | undefined, healingName: data.healingName as string | undefined };
}

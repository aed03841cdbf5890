// Field rules shared by every endpoint that accepts them, so a Healing Name or a country code is
// checked the same way at reflection, chat, crisis and intake.
import { z } from "zod";
import { characterCount, COUNTRY_CODE, HEALING_NAME_MAX, NO_CONTROL } from "./text-rules.js";

export { characterCount, COUNTRY_CODE } from "./text-rules.js";

/** A string trimmed, then 1–max characters (code points). */
export const trimmedText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .refine((text) => characterCount(text) <= max, `must be at most ${max} characters`);

/** A short label (Healing Name, milestone): trimmed text without control characters. */
export const label = (max: number) => trimmedText(max).regex(NO_CONTROL, "must not contain control characters");

export const healingNameSchema = label(HEALING_NAME_MAX);

export const countrySchema = z.string().regex(COUNTRY_CODE, "must be a two-letter country code");

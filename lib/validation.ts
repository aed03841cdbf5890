// Field rules shared by every endpoint that accepts them, so a Healing Name or a country code is
// checked the same way at reflection, chat, crisis and intake.
import { z } from "zod";

// Control characters would corrupt formulas, CSV exports and email merge fields.
const NO_CONTROL = /^[^\p{Cc}]*$/u;
export const COUNTRY_CODE = /^[A-Za-z]{2}$/;

/**
 * Length as a person counts it: Unicode code points, so an emoji is one character (not the two
 * UTF-16 units `.length` counts). Validation and both records stores count with this one function,
 * so a value that passes validation always fits the store.
 */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A string trimmed, then 1–max characters (code points). */
export const trimmedText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .refine((text) => characterCount(text) <= max, `must be at most ${max} characters`);

/** A short label (Healing Name, milestone): trimmed text without control characters. */
export const label = (max: number) => trimmedText(max).regex(NO_CONTROL, "must not contain control characters");

export const healingNameSchema = label(80);

export const countrySchema = z.string().regex(COUNTRY_CODE, "must be a two-letter country code");

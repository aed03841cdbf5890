// The field rules themselves, as plain functions with no dependency: lib/platform/validation.ts builds its
// zod schemas from them, and the crisis path (which loads no validation library) checks with them
// directly, so both accept exactly the same values.

/** Control characters would corrupt formulas, CSV exports and email merge fields. */
export const NO_CONTROL = /^[^\p{Cc}]*$/u;
export const COUNTRY_CODE = /^[A-Za-z]{2}$/;
export const HEALING_NAME_MAX = 80;

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

/** Why a value is not a trimmed text of 1–max characters, or undefined when it is one. */
export function textProblem(value: unknown, max: number): string | undefined {
  if (typeof value !== "string") return value === undefined ? "is required" : "must be a string";
  const trimmed = value.trim();
  if (!trimmed) return "must not be empty";
  if (characterCount(trimmed) > max) return `must be at most ${max} characters`;
  return undefined;
}

/** A Healing Name as every endpoint accepts it: trimmed, 1–80 characters, no control characters. */
export function isHealingName(value: unknown): value is string {
  return textProblem(value, HEALING_NAME_MAX) === undefined && NO_CONTROL.test((value as string).trim());
}

// Structured one-line JSON logs. Callers pass ids, levels, codes and timings — never message,
// reflection or any other participant text; `Fields` only admits primitives to make that a habit,
// and free-text keys are refused outright as a second guard.
import { envValue } from "./config/env-core.js";
import { deps } from "./deps.js";

type Primitive = string | number | boolean | null | undefined;
export type Fields = Record<string, Primitive | Primitive[]>;
type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const TEXT_KEYS = new Set(["message", "text", "reflection", "content", "body", "prompt", "email"]);
// The line's own keys: a field with one of these names (a crisis `level`) is renamed, never
// allowed to overwrite them, so `level` always is the log level filters rely on.
const RESERVED_KEYS = new Set(["level", "event", "time"]);

// LOG_LEVEL: debug, info (default), warn, error or silent; anything else counts as info. Read
// without a validation library: every function logs, the crisis path included.
const THRESHOLD = {};

function threshold(): number {
  return deps().once(THRESHOLD, () => {
    const level = envValue("LOG_LEVEL");
    return level === "silent" ? Infinity : level && level in ORDER ? ORDER[level as Level] : ORDER.info;
  });
}

function write(level: Level, event: string, fields: Fields = {}): void {
  if (ORDER[level] < threshold()) return;
  const line: Fields = { level, event, time: new Date().toISOString() };
  for (const [key, value] of Object.entries(fields)) {
    line[RESERVED_KEYS.has(key) ? `field_${key}` : key] = TEXT_KEYS.has(key.toLowerCase()) ? "[redacted]" : value;
  }
  const text = JSON.stringify(line);
  if (level === "error" || level === "warn") console.error(text);
  else console.log(text);
}

/** The name and code of an error, never its full text (vendor errors can echo submitted values). */
export function describeError(error: unknown): Fields {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { errorName: error.name, errorCode: typeof code === "string" ? code : undefined };
  }
  return { errorName: typeof error };
}

export const log = {
  debug: (event: string, fields?: Fields) => write("debug", event, fields),
  info: (event: string, fields?: Fields) => write("info", event, fields),
  warn: (event: string, fields?: Fields) => write("warn", event, fields),
  error: (event: string, fields?: Fields) => write("error", event, fields),
};

/**
 * A `.catch` for work that has a fallback (a cache, the shared pace): logs `event` at warn with
 * the error's name and code — never its text — and answers `fallback`, so a degraded path is
 * never a silent one.
 */
export function warnAndReturn<T>(event: string, fallback: T, fields: Fields = {}): (error: unknown) => T {
  return (error) => {
    log.warn(event, { ...fields, ...describeError(error) });
    return fallback;
  };
}

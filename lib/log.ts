// Structured one-line JSON logs. Callers pass ids, levels, codes and timings — never message,
// reflection or any other participant text; `Fields` only admits primitives to make that a habit,
// and free-text keys are refused outright as a second guard.
import { defineConfig } from "./config/env.js";
import { z } from "zod";

type Primitive = string | number | boolean | null | undefined;
export type Fields = Record<string, Primitive | Primitive[]>;
type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const TEXT_KEYS = new Set(["message", "text", "reflection", "content", "body", "prompt", "email"]);

const config = defineConfig(
  "log",
  z.object({ LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info") }),
);

function threshold(): number {
  try {
    const level = config.load().LOG_LEVEL;
    return level === "silent" ? Infinity : ORDER[level];
  } catch {
    return ORDER.info;
  }
}

function write(level: Level, event: string, fields: Fields = {}): void {
  if (ORDER[level] < threshold()) return;
  const safe: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    safe[key] = TEXT_KEYS.has(key.toLowerCase()) ? "[redacted]" : value;
  }
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...safe });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
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

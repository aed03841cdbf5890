// The configuration's core with no dependency: the configuration error and the trimmed view of the
// function's configuration (its deps' env, lib/platform/deps.ts). The crisis path reads its few
// settings through these, so that it loads no validation library and no vendor SDK (see
// lib/platform/config/env.ts for validated configs).

import { deps, type EnvSource } from "../deps.js";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly service: string,
    readonly variables: string[],
    detail: string,
  ) {
    super(`Invalid configuration for ${service}: ${detail}`);
  }
}

/** The configuration with values trimmed; empty strings count as unset (a pasted newline is not a key). */
export function readEnv(source: EnvSource = deps().env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(source)) {
    const trimmed = value?.trim();
    out[key] = trimmed === "" ? undefined : trimmed;
  }
  return out;
}

/** One trimmed variable; empty counts as unset. */
export function envValue(name: string): string | undefined {
  const trimmed = deps().env[name]?.trim();
  return trimmed ? trimmed : undefined;
}

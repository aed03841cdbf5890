// The environment's core with no dependency: the configuration error, the trimmed view of the
// environment and the reset hooks. The crisis path reads its few settings through these, so that
// it loads no validation library and no vendor SDK (see lib/platform/config/env.ts for validated configs).

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

type EnvSource = Record<string, string | undefined>;

/** The environment with values trimmed; empty strings count as unset (a pasted newline is not a key). */
export function readEnv(source: EnvSource = process.env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(source)) {
    const trimmed = value?.trim();
    out[key] = trimmed === "" ? undefined : trimmed;
  }
  return out;
}

/** One trimmed variable; empty counts as unset. */
export function envValue(name: string): string | undefined {
  const trimmed = process.env[name]?.trim();
  return trimmed ? trimmed : undefined;
}

const resetters = new Set<() => void>();

/** Forget every cached config and client, so the next use re-reads the environment (tests, scripts). */
export function resetServices(): void {
  for (const reset of resetters) reset();
}

/** Register a cache that `resetServices` clears. */
export function onReset(reset: () => void): void {
  resetters.add(reset);
}

// Each service validates its own slice of the environment, lazily, the first time it is used.
// A missing variable selects the embedded default; an invalid one fails only that service, with a
// message that names every bad variable at once (the t3-env approach).
import { z } from "zod";
import { ConfigError, onReset, readEnv } from "./env-core.js";

export { ConfigError, envValue, onReset, readEnv, resetServices } from "./env-core.js";

/**
 * Declare a service's config. `load()` parses the environment once and caches the result (or the
 * error, so a broken variable keeps failing the same way without re-parsing).
 */
export function defineConfig<S extends z.ZodType>(service: string, schema: S): { load(): z.infer<S> } {
  let cached: { value: z.infer<S> } | { error: ConfigError } | undefined;
  onReset(() => {
    cached = undefined;
  });
  return {
    load() {
      if (!cached) {
        const parsed = schema.safeParse(readEnv());
        if (parsed.success) {
          cached = { value: parsed.data };
        } else {
          const variables = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? service)))];
          const detail = parsed.error.issues
            .map((issue) => `${issue.path.length ? issue.path.join(".") : service}: ${issue.message}`)
            .join("; ");
          cached = { error: new ConfigError(service, variables, detail) };
        }
      }
      if ("error" in cached) throw cached.error;
      return cached.value;
    },
  };
}

/** A positive integer read from an env string, with a default. */
export function intFromEnv(defaultValue: number, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}) {
  return z.coerce.number().int().min(min).max(max).default(defaultValue);
}

/** A URL read from env; the trailing slash is dropped so paths can be appended. */
export function urlFromEnv(defaultValue: string) {
  return z
    .url()
    .default(defaultValue)
    .transform((url) => url.replace(/\/+$/, ""));
}

/** A zod refinement for variables that only work together: names the one that is missing. */
export function bothOrNeither<T extends Record<string, unknown>>(a: keyof T & string, b: keyof T & string, vendor: string) {
  return (env: T, ctx: z.RefinementCtx) => {
    if (Boolean(env[a]) !== Boolean(env[b])) {
      ctx.addIssue({ code: "custom", path: [env[a] ? b : a], message: `is required when the other ${vendor} variable is set` });
    }
  };
}

/**
 * An async value (a store, an SDK client) built on first use and rebuilt after `resetServices()`.
 * A failed build is not cached, so the next call tries again. `set` swaps in a test double.
 */
export function lazyAsync<T>(build: () => Promise<T>): { (): Promise<T>; set(value: T | undefined): void } {
  let cached: Promise<T> | undefined;
  onReset(() => {
    cached = undefined;
  });
  const get = () =>
    (cached ??= build().catch((error: unknown) => {
      cached = undefined;
      throw error;
    }));
  return Object.assign(get, {
    set(value: T | undefined) {
      cached = value === undefined ? undefined : Promise.resolve(value);
    },
  });
}

// Each service validates its own slice of the environment, lazily, the first time it is used.
// A missing variable selects the embedded default; an invalid one fails only that service, with a
// message that names every bad variable at once (the t3-env approach).
import { z } from "zod";
import { deps } from "../deps.js";
import { ConfigError, readEnv } from "./env-core.js";

export { ConfigError, envValue, readEnv } from "./env-core.js";

/**
 * Declare a service's config. `load()` parses the function's configuration (its deps' env) once
 * and keeps the result with those deps (or the error, so a broken variable keeps failing the same
 * way without re-parsing).
 */
export function defineConfig<S extends z.ZodType>(service: string, schema: S): { load(): z.infer<S> } {
  const config = {
    load(): z.infer<S> {
      const parsed = deps().once(config, (): { value: z.infer<S> } | { error: ConfigError } => {
        const result = schema.safeParse(readEnv());
        if (result.success) return { value: result.data };
        const variables = [...new Set(result.error.issues.map((issue) => String(issue.path[0] ?? service)))];
        const detail = result.error.issues
          .map((issue) => `${issue.path.length ? issue.path.join(".") : service}: ${issue.message}`)
          .join("; ");
        return { error: new ConfigError(service, variables, detail) };
      });
      if ("error" in parsed) throw parsed.error;
      return parsed.value;
    },
  };
  return config;
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
 * An async value (a store, an SDK client) built on first use and kept with the function's deps.
 * A failed build is not kept, so the next call tries again. `set` swaps in a test double.
 */
export function lazyAsync<T>(build: () => Promise<T>): { (): Promise<T>; set(value: T | undefined): void } {
  const key = {};
  const get = (): Promise<T> => {
    const owner = deps();
    const built: Promise<T> = owner.once(key, () =>
      build().catch((error: unknown) => {
        // Forget the failure, unless something else (a test double) has taken its place meanwhile.
        if (owner.peek(key) === built) owner.put(key, undefined);
        throw error;
      }),
    );
    return built;
  };
  return Object.assign(get, {
    set(value: T | undefined) {
      deps().put(key, value === undefined ? undefined : Promise.resolve(value));
    },
  });
}

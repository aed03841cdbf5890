// What a function depends on, in one object: its configuration source and everything built from
// it — parsed configs, the records and kv stores, vendor clients, key rings, limiters. A Vercel
// function builds its deps once, from process.env, the first time anything asks; every config,
// store and client is then built on first use and kept with those deps for the life of the
// instance. Nothing else in lib/ reads process.env (tests/lib/deps.test.ts checks it).
//
// Tests build their own deps from a plain object and install them (tests/support/env.ts); a new
// deps object starts with nothing built, so a test never sees a store or config another test made.
// No dependency: the crisis path loads this.

export type EnvSource = Readonly<Record<string, string | undefined>>;

export interface Deps {
  /** The configuration source, as given: read it through lib/platform/config, which trims it. */
  readonly env: EnvSource;
  /** The value built for `key` with these deps, building it on first use. */
  once<T>(key: object, build: () => T): T;
  /** What is kept for `key` now, without building it. */
  peek(key: object): unknown;
  /** Replace what was built for `key` (a test double), or with undefined forget it. */
  put(key: object, value: unknown): void;
}

export function createDeps(env: EnvSource): Deps {
  const built = new Map<object, unknown>();
  return {
    env,
    once<T>(key: object, build: () => T): T {
      if (built.has(key)) return built.get(key) as T;
      const value = build();
      built.set(key, value);
      return value;
    },
    peek: (key) => built.get(key),
    put(key, value) {
      if (value === undefined) built.delete(key);
      else built.set(key, value);
    },
  };
}

let current: Deps | undefined;

/** This function's deps: built from process.env the first time, then the same object. */
export function deps(): Deps {
  return (current ??= createDeps(process.env));
}

/** Use other deps from now on: a test's, or an operator script's pointed at another environment. */
export function installDeps(next: Deps): Deps {
  current = next;
  return next;
}

/** A value kept with the current deps (a cache, a parsed file): a fresh deps object starts without it. */
export function depsSlot<T>(): { get(): T | undefined; set(value: T | undefined): void } {
  const key = {};
  return {
    get: () => deps().peek(key) as T | undefined,
    set: (value) => deps().put(key, value),
  };
}

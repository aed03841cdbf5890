// Extra benchmark sections contributed by later capabilities (kept apart so bench.ts stays small).
export const BENCH_SECTIONS: { extraSdks: string[]; run: (() => Promise<void>)[] } = {
  extraSdks: [],
  run: [],
};

// Extra benchmark sections contributed by later capabilities (kept apart so bench.ts stays small).
import { loadCorpus } from "../lib/safety/datasets.js";
import { chatMemory, chatOverhead } from "./bench-chat.js";
import { screen } from "../lib/safety/screen.js";

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function screenLatency(): Promise<void> {
  const texts = loadCorpus().map((c) => c.text);
  const history = ["I slept badly again", "work has been a lot", "I feel hopeless some days"];
  for (let i = 0; i < 200; i++) screen(texts[i % texts.length]!); // warm up the regex engine
  const single: number[] = [];
  const withHistory: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const text of texts) {
      let t = performance.now();
      screen(text);
      single.push(performance.now() - t);
      t = performance.now();
      screen(text, { history });
      withHistory.push(performance.now() - t);
    }
  }
  const long = "Day 7. ".concat("Today I walked by the river and thought about how far I have come. ".repeat(300));
  const longRuns: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    screen(long);
    longRuns.push(performance.now() - t);
  }
  console.log(`\nCrisis screen latency (${single.length} calls over the corpus, ms)   target p99 < 1 ms`);
  console.log(`${"case".padEnd(34)} ${"p50".padStart(8)} ${"p99".padStart(8)}`);
  console.log(`${"message".padEnd(34)} ${percentile(single, 0.5).toFixed(3).padStart(8)} ${percentile(single, 0.99).toFixed(3).padStart(8)}`);
  console.log(`${"message + 3 turns of history".padEnd(34)} ${percentile(withHistory, 0.5).toFixed(3).padStart(8)} ${percentile(withHistory, 0.99).toFixed(3).padStart(8)}`);
  console.log(`${`reflection of ${long.length} characters`.padEnd(34)} ${percentile(longRuns, 0.5).toFixed(3).padStart(8)} ${percentile(longRuns, 0.99).toFixed(3).padStart(8)}`);
}

export const BENCH_SECTIONS: { run: (() => Promise<void>)[] } = {
  run: [screenLatency, chatOverhead, chatMemory],
};

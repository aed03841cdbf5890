// Extra benchmark sections contributed by later capabilities (kept apart so bench.ts stays small).
import { loadCorpus } from "../lib/safety/datasets.js";
import { burstSection, embeddedSection } from "./bench-burst.js";
import { chatMemory, chatOverhead } from "./bench-chat.js";
import { screen } from "../lib/safety/screen.js";

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function timeIt(run: () => void, times: number): number[] {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    run();
    samples.push(performance.now() - t);
  }
  return samples;
}

/** A message of about `size` characters made of `unit` repeated. */
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

async function screenLatency(): Promise<void> {
  const texts = loadCorpus().map((c) => c.text);
  const history = ["I slept badly again", "work has been a lot", "I feel hopeless some days"];
  for (let i = 0; i < 300; i++) screen(texts[i % texts.length]!, { history }); // warm up
  const single: number[] = [];
  const withHistory: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (const text of texts) {
      single.push(...timeIt(() => screen(text), 1));
      withHistory.push(...timeIt(() => screen(text, { history }), 1));
    }
  }
  const twoKb = fill("Day 7. Today I walked by the river and thought about how far I have come, and about my sister. ", 2048);
  const twoKbRuns = timeIt(() => screen(twoKb), 300);
  console.log(`\nCrisis screen latency (${single.length} calls over the corpus, ms)   target: p99 < 1 ms on a 2 KB message`);
  console.log(`${"case".padEnd(40)} ${"p50".padStart(8)} ${"p99".padStart(8)}`);
  console.log(
    `${"corpus message".padEnd(40)} ${percentile(single, 0.5).toFixed(3).padStart(8)} ${percentile(single, 0.99).toFixed(3).padStart(8)}`,
  );
  console.log(
    `${"corpus message + 3 turns of history".padEnd(40)} ${percentile(withHistory, 0.5).toFixed(3).padStart(8)} ${percentile(withHistory, 0.99).toFixed(3).padStart(8)}`,
  );
  console.log(
    `${"2 KB message".padEnd(40)} ${percentile(twoKbRuns, 0.5).toFixed(3).padStart(8)} ${percentile(twoKbRuns, 0.99).toFixed(3).padStart(8)}`,
  );

  // Adversarial inputs up to the largest the endpoints accept: a 20,000-character reflection, and
  // /api/crisis's 8,000-character message with 20 turns of 8,000 (the screen reads the last 4).
  const shapes: [string, string][] = [
    ["run of digits", "7"],
    ["digits and letters", "k1ll3d4"],
    ["repeated risk phrase", "i want to kill myself tonight i have the pills "],
    ["punctuation", ".!?;,-_*"],
    ["spelled-out letters", "k i l l "],
    ["dotted letters", "k.i.l.l."],
    ["stretched letters", "diiiiiiiie "],
    ["mixed scripts", "умереть 死にたい morir sterben ☠️💊 "],
    ["one long word", "a"],
  ];
  console.log(
    `\nCrisis screen on adversarial input, median of 7 after 3 warm-up calls (ms; ms per 10 KB)   target: every row ≤ 5 ms per 10 KB`,
  );
  console.log(`${"shape".padEnd(24)} ${"2 KB".padStart(16)} ${"20 KB".padStart(16)} ${"8 KB + 20×8 KB turns".padStart(24)}`);
  for (const [name, unit] of shapes) {
    const cell = (text: string, turns: string[] = []) => {
      timeIt(() => screen(text, { history: turns }), 3); // warm up this shape
      const ms = percentile(
        timeIt(() => screen(text, { history: turns }), 7),
        0.5,
      );
      const kb = (text.length + turns.slice(-4).reduce((n, t) => n + t.length, 0)) / 1024;
      return `${ms.toFixed(2)} (${((ms / kb) * 10).toFixed(2)})`.padStart(16);
    };
    const turn = fill(unit, 8000);
    console.log(
      `${name.padEnd(24)} ${cell(fill(unit, 2048))} ${cell(fill(unit, 20_000))} ${cell(turn, Array<string>(20).fill(turn)).padStart(24)}`,
    );
  }
}

export const BENCH_SECTIONS: { run: (() => Promise<void>)[] } = {
  run: [screenLatency, chatOverhead, chatMemory, burstSection, embeddedSection],
};

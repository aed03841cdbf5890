// npm run safety:train — trains the learned layer of the crisis screen (lib/safety/model.ts) and
// writes lib/safety/model-weights.ts. Deterministic: the same data and code give the same weights.
// Data: data/safety/train/*.jsonl (synthetic messages written by fresh-context helpers) and the
// project's corpus (tests/safety/corpus.jsonl, holdout.jsonl). Never the blind rounds: they measure.
// Thresholds come from 5-fold out-of-fold scores: the lowest that keeps benign messages under the
// false-positive targets. Re-run after changing the grammar or a lexicon (features include concepts).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { featurize, FEATURE_BITS } from "../lib/safety/features.js";
import { analyze } from "../lib/safety/grammar.js";
import { levelRank, type SafetyLevel } from "../lib/safety/levels.js";
import { HEADS, levelFromScores, type Head, type HeadScores, type ModelFile } from "../lib/safety/model.js";
import { HISTORY_TURNS } from "../lib/safety/screen.js";

interface Example {
  text?: string;
  level: SafetyLevel;
  category: string;
  features: Map<number, number>;
}

const SIZE = 1 << FEATURE_BITS;
const EPOCHS = Number(process.env.EPOCHS ?? 14);
const L2 = Number(process.env.L2 ?? 1e-5);
const RATE = Number(process.env.RATE ?? 0.3);

function load(): Example[] {
  const rows: { level: SafetyLevel; category: string; message: string; history: string[] }[] = [];
  const dir = path.resolve("data/safety/train");
  const exclude = process.env.EXCLUDE;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl") && !(exclude && f.includes(exclude)))
    .sort()) {
    for (const line of readFileSync(path.join(dir, file), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { level: SafetyLevel; category?: string; message: string; history?: string[] };
      rows.push({ level: r.level, category: r.category ?? "", message: r.message, history: r.history ?? [] });
    }
  }
  for (const file of ["tests/safety/corpus.jsonl", "tests/safety/holdout.jsonl"]) {
    for (const line of readFileSync(path.resolve(file), "utf8").split("\n")) {
      if (!line.trim() || line.startsWith("//")) continue;
      const r = JSON.parse(line) as { level: SafetyLevel; text: string; history?: string[]; categories?: string[] };
      rows.push({ level: r.level, category: r.categories?.[0] ?? "", message: r.text, history: r.history ?? [] });
    }
  }
  return rows.map((r) => {
    const history = r.history.slice(-HISTORY_TURNS);
    return {
      text: process.env.DIAG ? `${r.history.join(" | ")} || ${r.message}` : undefined,
      level: r.level,
      category: r.category,
      features: featurize(
        r.message,
        analyze(r.message),
        history,
        history.map((h) => analyze(h)),
      ),
    };
  });
}

const target = (head: Head, level: SafetyLevel) => (head === "imminent" ? level === "imminent" : levelRank(level) >= levelRank(head));

/** A seeded shuffle (mulberry32), so training is reproducible. */
function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Logistic regression with AdaGrad and L2, one head. */
function trainHead(examples: Example[], head: Head): Float64Array {
  const w = new Float64Array(SIZE);
  const g2 = new Float64Array(SIZE).fill(1e-8);
  const positives = examples.filter((e) => target(head, e.level)).length;
  const posWeight = Math.min(3, Math.max(1, (examples.length - positives) / Math.max(1, positives)));
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (const e of shuffled(examples, 1000 * epoch + HEADS.indexOf(head))) {
      let z = 0;
      for (const [k, v] of e.features) z += w[k]! * v;
      const y = target(head, e.level) ? 1 : 0;
      const p = 1 / (1 + Math.exp(-z));
      const scale = (p - y) * (y ? posWeight : 1);
      for (const [k, v] of e.features) {
        const grad = scale * v + L2 * w[k]!;
        g2[k]! += grad * grad;
        w[k]! -= (RATE * grad) / Math.sqrt(g2[k]!);
      }
    }
  }
  return w;
}

function score(w: Record<Head, Float64Array>, features: Map<number, number>): HeadScores {
  const out = {} as HeadScores;
  for (const h of HEADS) {
    let z = 0;
    for (const [k, v] of features) z += w[h][k]! * v;
    out[h] = 1 / (1 + Math.exp(-z));
  }
  return out;
}

function chooseThresholds(oof: { e: Example; s: HeadScores }[]): Record<Head, number> {
  const grid = Array.from({ length: 91 }, (_, i) => 0.05 + i * 0.01);
  const rate = (rows: { s: HeadScores }[], head: Head, t: number) =>
    rows.length ? rows.filter((r) => r.s[head] >= t).length / rows.length : 0;
  const benign = oof.filter((r) => r.e.level === "none");
  const belowHigh = oof.filter((r) => levelRank(r.e.level) <= levelRank("medium"));
  const negations = oof.filter((r) => r.e.category === "safe_negation");
  const medium = grid.find((t) => rate(benign, "medium", t) <= 0.025) ?? 0.9;
  const high =
    grid.find((t) => rate(benign, "high", t) <= 0.02 && rate(negations, "high", t) <= 0.02 && rate(belowHigh, "high", t) <= 0.05) ?? 0.9;
  // Imminent: the threshold with the best F1 for imminent among messages that are at least high.
  const hard = oof.filter((r) => levelRank(r.e.level) >= levelRank("high"));
  let imminent = 0.5;
  let bestF1 = -1;
  for (const t of grid) {
    const tp = hard.filter((r) => r.e.level === "imminent" && r.s.imminent >= t).length;
    const fp = hard.filter((r) => r.e.level !== "imminent" && r.s.imminent >= t).length;
    const fn = hard.filter((r) => r.e.level === "imminent" && r.s.imminent < t).length;
    const f1 = tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
    if (f1 > bestF1) [bestF1, imminent] = [f1, t];
  }
  return { low: 0.5, medium, high, imminent };
}

function quantize(w: Float64Array): { scale: number; weights: string } {
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max / 127 || 1;
  const bytes = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) bytes[i] = Math.round(w[i]! / scale);
  return { scale, weights: Buffer.from(bytes.buffer).toString("base64") };
}

function main(): void {
  const started = Date.now();
  const examples = load();
  console.log(`examples: ${examples.length} (features in ${Date.now() - started} ms)`);
  const folds = 5;
  const order = shuffled(
    examples.map((_, i) => i),
    7,
  );
  const oof: { e: Example; s: HeadScores }[] = [];
  for (let f = 0; f < folds; f++) {
    const test = new Set(order.filter((_, i) => i % folds === f));
    const train = examples.filter((_, i) => !test.has(i));
    const w = Object.fromEntries(HEADS.map((h) => [h, trainHead(train, h)])) as Record<Head, Float64Array>;
    for (const i of test) oof.push({ e: examples[i]!, s: score(w, examples[i]!.features) });
  }
  const thresholds = chooseThresholds(oof);
  if (process.env.DIAG) {
    for (const r of oof
      .filter((r) => r.e.level === "none")
      .sort((a, b) => b.s.high - a.s.high)
      .slice(0, 25))
      console.log(r.s.high.toFixed(2), r.e.category, r.e.text);
    for (const t of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) {
      const hard = oof.filter((r) => levelRank(r.e.level) >= 3);
      const below = oof.filter((r) => levelRank(r.e.level) <= 2);
      const benign = oof.filter((r) => r.e.level === "none");
      const f = (rows: typeof oof, h: Head) => (rows.filter((r) => r.s[h] >= t).length / rows.length).toFixed(3);
      console.log(
        `t=${t} high: recall ${f(hard, "high")} belowHigh ${f(below, "high")} benign ${f(benign, "high")} | medium head: benign ${f(benign, "medium")} medium-recall ${f(
          oof.filter((r) => r.e.level === "medium"),
          "medium",
        )}`,
      );
    }
  }
  const got = oof.map((r) => ({ want: r.e.level, got: levelFromScores(r.s, thresholds) }));
  const share = (filter: (r: (typeof got)[number]) => boolean, hit: (r: (typeof got)[number]) => boolean) => {
    const rows = got.filter(filter);
    return `${(rows.filter(hit).length / Math.max(1, rows.length)).toFixed(3)} (${rows.length})`;
  };
  console.log("thresholds", thresholds);
  console.log("out-of-fold, learned layer alone:");
  console.log(
    "  high+imminent ≥ high ",
    share(
      (r) => levelRank(r.want) >= 3,
      (r) => levelRank(r.got) >= 3,
    ),
  );
  console.log(
    "  imminent exact       ",
    share(
      (r) => r.want === "imminent",
      (r) => r.got === "imminent",
    ),
  );
  console.log(
    "  medium ≥ medium      ",
    share(
      (r) => r.want === "medium",
      (r) => levelRank(r.got) >= 2,
    ),
  );
  console.log(
    "  benign ≥ medium      ",
    share(
      (r) => r.want === "none",
      (r) => levelRank(r.got) >= 2,
    ),
  );

  const weights = Object.fromEntries(HEADS.map((h) => [h, trainHead(examples, h)])) as Record<Head, Float64Array>;
  const model: ModelFile = {
    bits: FEATURE_BITS,
    heads: Object.fromEntries(HEADS.map((h) => [h, quantize(weights[h])])) as ModelFile["heads"],
    thresholds,
    trainedOn: { examples: examples.length, at: new Date().toISOString().slice(0, 10), featureBits: FEATURE_BITS },
  };
  writeFileSync(
    path.resolve("lib/safety/model-weights.ts"),
    `// Generated by scripts/train-safety-model.ts (npm run safety:train); do not edit.\nimport type { ModelFile } from "./model.js";\n\nexport const MODEL: ModelFile = ${JSON.stringify(model)};\n`,
  );
  console.log(`wrote lib/safety/model-weights.ts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();

// The learned layer: four logistic heads over hashed features (features.ts), one per threshold of
// the ordinal scale — at least low, at least medium, at least high, imminent. Weights are int8 with
// one scale per head, trained by scripts/train-safety-model.ts on a synthetic set written by
// fresh-context helpers (data/safety/train/) and the project's corpus; thresholds were chosen on
// out-of-fold scores so that benign messages stay under the false-positive target. Inference is a
// sparse dot product: linear in the number of features, well under a millisecond.
import type { SafetyLevel } from "./levels.js";
import { MODEL } from "./model-weights.js";

export const HEADS = ["low", "medium", "high", "imminent"] as const;
export type Head = (typeof HEADS)[number];
export type HeadScores = Record<Head, number>;

export interface ModelFile {
  bits: number;
  /** Per head: int8 weights (base64) and the scale that turns them back into floats. */
  heads: Record<Head, { scale: number; weights: string }>;
  /** Probability above which each head's level is given. */
  thresholds: Record<Head, number>;
  trainedOn: { examples: number; at: string; featureBits: number };
}

let decoded: Record<Head, { scale: number; weights: Int8Array }> | undefined;

function heads(): Record<Head, { scale: number; weights: Int8Array }> {
  decoded ??= Object.fromEntries(
    HEADS.map((h) => {
      const bytes = Buffer.from(MODEL.heads[h].weights, "base64");
      return [h, { scale: MODEL.heads[h].scale, weights: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length) }];
    }),
  ) as Record<Head, { scale: number; weights: Int8Array }>;
  return decoded;
}

export const modelAvailable = (): boolean => MODEL.heads.low.weights.length > 0;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Each head's probability for a feature vector. */
export function scoreFeatures(features: Map<number, number>): HeadScores {
  const all = heads();
  const out = {} as HeadScores;
  for (const h of HEADS) {
    const { scale, weights } = all[h];
    let sum = 0;
    for (const [k, v] of features) sum += (weights[k] ?? 0) * scale * v;
    out[h] = sigmoid(sum);
  }
  return out;
}

/** The level the scores reach under the trained thresholds. */
export function levelFromScores(scores: HeadScores, thresholds: Record<Head, number> = MODEL.thresholds): SafetyLevel {
  if (scores.high >= thresholds.high) return scores.imminent >= thresholds.imminent ? "imminent" : "high";
  if (scores.medium >= thresholds.medium) return "medium";
  if (scores.low >= thresholds.low) return "low";
  return "none";
}

export const modelThresholds = (): Record<Head, number> => MODEL.thresholds;

// Scoring for `npm run eval:safety` and its regression test: precision/recall/F1 on a binary
// self-harm label (blind rounds and the corpus are scored by rounds.ts).
import { levelRank, type SafetyLevel } from "./levels.js";
import { screen } from "./screen.js";

export interface CorpusCase {
  text: string;
  level: SafetyLevel;
  categories?: string[];
  history?: string[];
  note?: string;
}

export interface BinaryReport {
  rows: number;
  positives: number;
  precision: number;
  recall: number;
  f1: number;
  falsePositives: string[];
  falseNegatives: string[];
}

/** Categories that speak to a self-harm label (OpenAI's taxonomy: suicide, cutting, eating disorders). */
export const SELF_HARM_CATEGORIES = ["suicidal_ideation", "self_harm", "eating_disorder"];

/** A binary self-harm label scored with "level ≥ medium in a self-harm category" as the positive prediction. */
export function evaluateBinary(rows: { text: string; positive: boolean }[]): BinaryReport {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const falsePositives: string[] = [];
  const falseNegatives: string[] = [];
  for (const row of rows) {
    const result = screen(row.text);
    const predicted = levelRank(result.level) >= levelRank("medium") && result.categories.some((c) => SELF_HARM_CATEGORIES.includes(c));
    if (predicted && row.positive) tp++;
    else if (predicted) {
      fp++;
      falsePositives.push(row.text);
    } else if (row.positive) {
      fn++;
      falseNegatives.push(row.text);
    }
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { rows: rows.length, positives: tp + fn, precision, recall, f1, falsePositives, falseNegatives };
}

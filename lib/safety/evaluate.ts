// Scoring for `npm run eval:safety` and its regression test: recall and false positives on the
// project's labelled corpus, and precision/recall/F1 on a binary self-harm label.
import { levelRank, SAFETY_LEVELS, type SafetyLevel } from "./levels.js";
import { screen } from "./screen.js";

export interface CorpusCase {
  text: string;
  level: SafetyLevel;
  categories?: string[];
  history?: string[];
  note?: string;
}

export interface CorpusReport {
  cases: number;
  benign: number;
  /** Share of high+imminent cases screened at high or above. */
  hardStopRecall: number;
  /** Share of benign (level none) cases screened at medium or above. */
  benignFalsePositiveRate: number;
  /** Share of benign cases screened at high or above. */
  benignHardStopRate: number;
  /** Per expected level: cases, share screened at that level or above, share screened exactly. */
  perLevel: Record<SafetyLevel, { cases: number; atLeast: number; exact: number }>;
  /** Per expected category: cases, share where the screen reported it. */
  perCategory: Record<string, { cases: number; recall: number }>;
  misses: { text: string; expected: SafetyLevel; got: SafetyLevel }[];
}

export function evaluateCorpus(cases: CorpusCase[]): CorpusReport {
  const perLevel = Object.fromEntries(SAFETY_LEVELS.map((l) => [l, { cases: 0, atLeast: 0, exact: 0 }])) as CorpusReport["perLevel"];
  const categoryHits: Record<string, { cases: number; hits: number }> = {};
  const misses: CorpusReport["misses"] = [];
  let hard = 0;
  let hardHit = 0;
  let benign = 0;
  let benignFp = 0;
  let benignHard = 0;
  for (const c of cases) {
    const result = screen(c.text, { history: c.history });
    const got = levelRank(result.level);
    const want = levelRank(c.level);
    const row = perLevel[c.level];
    row.cases++;
    if (got >= want) row.atLeast++;
    if (got === want) row.exact++;
    if (want >= levelRank("high")) {
      hard++;
      if (got >= levelRank("high")) hardHit++;
      else misses.push({ text: c.text, expected: c.level, got: result.level });
    }
    if (c.level === "none") {
      benign++;
      if (got >= levelRank("medium")) {
        benignFp++;
        misses.push({ text: c.text, expected: c.level, got: result.level });
      }
      if (got >= levelRank("high")) benignHard++;
    } else if (want < levelRank("high") && got < want) {
      misses.push({ text: c.text, expected: c.level, got: result.level });
    }
    for (const category of c.categories ?? []) {
      const entry = (categoryHits[category] ??= { cases: 0, hits: 0 });
      entry.cases++;
      if (result.categories.includes(category)) entry.hits++;
    }
  }
  for (const row of Object.values(perLevel)) {
    row.atLeast = row.cases ? row.atLeast / row.cases : 1;
    row.exact = row.cases ? row.exact / row.cases : 1;
  }
  return {
    cases: cases.length,
    benign,
    hardStopRecall: hard ? hardHit / hard : 1,
    benignFalsePositiveRate: benign ? benignFp / benign : 0,
    benignHardStopRate: benign ? benignHard / benign : 0,
    perLevel,
    perCategory: Object.fromEntries(Object.entries(categoryHits).map(([k, v]) => [k, { cases: v.cases, recall: v.hits / v.cases }])),
    misses,
  };
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

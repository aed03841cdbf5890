// Features for the learned layer: hashed word unigrams and bigrams, character n-grams of each word
// (inflections, misspellings, compounds), the grammar's concepts with their scope, its rules and
// level, and the same for the recent turns under their own prefix. Shared by training
// (scripts/train-safety-model.ts) and inference (model.ts); linear in the length of the text.
import type { Analysis } from "./grammar.js";
import { words } from "./lexicon.js";

export const FEATURE_BITS = 17;
const MASK = (1 << FEATURE_BITS) - 1;
/** Per word, at most this many characters feed character n-grams. */
const MAX_GRAM_WORD = 24;
/** Words of each message that feed features: enough for any chat message, bounded for long reflections. */
const MAX_WORDS = 400;

/** FNV-1a, 32 bits. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & MASK;
}

function textFeatures(prefix: string, text: string, out: Map<number, number>, weight: number): void {
  const { words: list, breaks } = words(text);
  const n = Math.min(list.length, MAX_WORDS);
  const add = (key: string) => {
    const id = hash(prefix + key);
    out.set(id, (out.get(id) ?? 0) + weight);
  };
  let prev = "^";
  for (let i = 0; i < n; i++) {
    const word = list[i]!;
    if (breaks[i]) prev = "^";
    add(`w:${word}`);
    add(`b:${prev}_${word}`);
    prev = word;
    const padded = `<${word.slice(0, MAX_GRAM_WORD)}>`;
    for (let size = 3; size <= 5; size++) for (let k = 0; k + size <= padded.length; k++) add(`c:${padded.slice(k, k + size)}`);
  }
}

function analysisFeatures(prefix: string, a: Analysis, out: Map<number, number>): void {
  const add = (key: string) => out.set(hash(prefix + key), 1);
  add(`g:${a.level}`);
  for (const s of a.signals) add(`s:${s}`);
  for (const m of a.markers) add(`m:${m}`);
  for (const c of a.concepts) add(`k:${c}`);
  if (a.intent) add("intent");
  if (a.frame) add("frame");
  if (a.reassure) add("reassure");
}

/** Sparse feature vector (bucket → value), L2-normalised per group so long texts don't dominate. */
export function featurize(
  message: string,
  current: Analysis,
  history: readonly string[],
  earlier: readonly Analysis[],
): Map<number, number> {
  const text = new Map<number, number>();
  textFeatures("", message, text, 1);
  normalise(text);
  const out = new Map<number, number>(text);
  analysisFeatures("", current, out);
  if (history.length) {
    const hist = new Map<number, number>();
    for (const turn of history.slice(-3)) textFeatures("h:", turn, hist, 1);
    normalise(hist);
    for (const [k, v] of hist) out.set(k, (out.get(k) ?? 0) + v * 0.7);
    for (const a of earlier.slice(-3)) analysisFeatures("h:", a, out);
    out.set(hash("has_history"), 1);
  }
  out.set(hash("bias"), 1);
  return out;
}

function normalise(vector: Map<number, number>): void {
  let sum = 0;
  for (const v of vector.values()) sum += v * v;
  const norm = Math.sqrt(sum) || 1;
  for (const [k, v] of vector) vector.set(k, v / norm);
}

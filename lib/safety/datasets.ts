// Loaders for the evaluation data: the project's corpus (JSONL under tests/) and the OpenAI
// moderation set shared beside the repository (gzip JSONL with an SH label).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { CorpusCase } from "./evaluate.js";

export const CORPUS_FILE = path.resolve("tests/safety/corpus.jsonl");
/** Phrasings written after the screen, to find its blind spots (see the eval script's note). */
export const HOLDOUT_FILE = path.resolve("tests/safety/holdout.jsonl");
export const MODERATION_FILE = path.resolve("../shared/data/samples-1680.jsonl.gz");

export function loadCorpus(file = CORPUS_FILE): CorpusCase[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("//"))
    .map((line) => JSON.parse(line) as CorpusCase);
}

/** Rows labelled for self-harm (SH); null when the shared data set is not beside the repository. */
export function loadSelfHarmRows(file = MODERATION_FILE): { text: string; positive: boolean }[] | null {
  if (!existsSync(file)) return null;
  return gunzipSync(readFileSync(file))
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { prompt: string; SH?: number })
    .filter((row) => row.SH === 0 || row.SH === 1)
    .map((row) => ({ text: row.prompt, positive: row.SH === 1 }));
}

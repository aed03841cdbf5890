// Loaders for the evaluation data: the project's corpus (JSONL under tests/) and the OpenAI
// moderation evaluation set (MIT, openai/moderation-api-release; gzip JSONL with an SH label),
// kept in data/safety/eval/ with its licence so that CI scores it on a clean clone.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { CorpusCase } from "./evaluate.js";

/** Paths from the repository root, whatever the working directory. */
const fromRoot = (file: string) => fileURLToPath(new URL(`../../${file}`, import.meta.url));

export const CORPUS_FILE = fromRoot("tests/safety/corpus.jsonl");
/** Phrasings written after the screen, to find its blind spots (see the eval script's note). */
export const HOLDOUT_FILE = fromRoot("tests/safety/holdout.jsonl");
export const MODERATION_FILE = fromRoot("data/safety/eval/openai-moderation-samples-1680.jsonl.gz");

export function loadCorpus(file = CORPUS_FILE): CorpusCase[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("//"))
    .map((line) => JSON.parse(line) as CorpusCase);
}

/** Rows labelled for self-harm (SH): 1,447 of the set's 1,680, 51 of them positive. */
export function loadSelfHarmRows(file = MODERATION_FILE): { text: string; positive: boolean }[] {
  return gunzipSync(readFileSync(file))
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { prompt: string; SH?: number })
    .filter((row) => row.SH === 0 || row.SH === 1)
    .map((row) => ({ text: row.prompt, positive: row.SH === 1 }));
}

// npm run eval:safety — the crisis screen measured on:
//  1. every blind round in tests/safety/rounds/ (messages written by fresh-context helpers who never
//     saw the code): the figures now, next to the round's first-run figures, which are the honest
//     ones (a round seen by a later change is no longer blind);
//  2. the project's own corpus and the older hold-out phrasings (written alongside the screen);
//  3. the OpenAI moderation evaluation set's self-harm label (data/safety/eval/, MIT).
// Per class and per language, with the learned layer on and off. `--misses` lists the misses of
// the project's corpus only (never of a round: read those by class, not by sentence).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { HOLDOUT_FILE, CORPUS_FILE, loadSelfHarmRows } from "../lib/safety/datasets.js";
import { evaluateBinary } from "../lib/safety/evaluate.js";
import { corpusAsRound, formatRound, loadRound, roundFiles, scoreRound } from "../lib/safety/rounds.js";
import { screen } from "../lib/safety/screen.js";

const withModel = (model: boolean) => (message: string, history: readonly string[]) => screen(message, { history, model }).level;

function main(): void {
  const misses = process.argv.includes("--misses");
  for (const file of roundFiles()) {
    const name = path.basename(file, ".jsonl");
    const firstRunFile = file.replace(/\.jsonl$/, ".first-run.json");
    const cases = loadRound(file);
    const now = scoreRound(cases, withModel(true));
    const grammarOnly = scoreRound(cases, withModel(false));
    console.log(`\n${formatRound(`${name} now (grammar + learned layer)`, now).join("\n")}`);
    console.log(
      `  grammar alone: hard-stop recall ${grammarOnly.hardStopRecall.rate.toFixed(3)}, benign flagged ${grammarOnly.benignFlagged.rate.toFixed(3)}`,
    );
    if (existsSync(firstRunFile)) {
      const first = JSON.parse(readFileSync(firstRunFile, "utf8")) as {
        screenAtCommit: string;
        hardStopRecall: { rate: number };
        imminentExact: { rate: number };
        mediumRecall: { rate: number };
        benignFlagged: { rate: number };
        negationHardStops: { hit: number };
      };
      console.log(
        `  FIRST RUN (at ${first.screenAtCommit}): hard-stop ${first.hardStopRecall.rate.toFixed(3)}, imminent ${first.imminentExact.rate.toFixed(3)}, medium ${first.mediumRecall.rate.toFixed(3)}, benign flagged ${first.benignFlagged.rate.toFixed(3)}, negations hard-stopped ${first.negationHardStops.hit}`,
      );
    }
  }

  for (const [name, file] of [
    ["Own corpus", CORPUS_FILE],
    ["Hold-out phrasings (rounds 1–3)", HOLDOUT_FILE],
  ] as const) {
    const cases = corpusAsRound(file);
    const report = scoreRound(cases, withModel(true));
    console.log(`\n${formatRound(name, report).slice(0, 5).join("\n")}`);
    if (misses) for (const m of report.misses) console.log(`  miss: expected ${cases[m.i]!.level}, got ${m.got}: ${cases[m.i]!.message}`);
  }

  const sh = evaluateBinary(loadSelfHarmRows());
  console.log(
    `\nOpenAI moderation set, self-harm label: ${sh.rows} rows, ${sh.positives} positive; positive = medium or above in a self-harm category`,
  );
  console.log(
    `  precision ${sh.precision.toFixed(3)}   recall ${sh.recall.toFixed(3)}   F1 ${sh.f1.toFixed(3)}   target F1 ≥ 0.80 with recall ≥ 0.941 (the phrase list: 0.762, recall 0.941)`,
  );
}

main();

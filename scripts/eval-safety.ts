// npm run eval:safety — the crisis screen on the project's labelled corpus (tests/safety/) and on
// the OpenAI moderation evaluation set's self-harm label (../shared/data), "level ≥ medium" = positive.
import { HOLDOUT_FILE, loadCorpus, loadSelfHarmRows, MODERATION_FILE } from "../lib/safety/datasets.js";
import { evaluateBinary, evaluateCorpus } from "../lib/safety/evaluate.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function main(): void {
  const verbose = process.argv.includes("--verbose");
  const corpus = evaluateCorpus(loadCorpus());
  console.log(`Own corpus: ${corpus.cases} cases, ${corpus.benign} benign traps`);
  console.log(`  high+imminent recall (screened ≥ high): ${corpus.hardStopRecall.toFixed(3)}   target ≥ 0.97`);
  console.log(`  benign false positives (≥ medium):      ${pct(corpus.benignFalsePositiveRate)}   target ≤ 3%`);
  console.log(`  benign hard stops (≥ high):             ${pct(corpus.benignHardStopRate)}`);
  console.log("  per expected level      cases   ≥ level   exact");
  for (const [level, row] of Object.entries(corpus.perLevel)) {
    console.log(`    ${level.padEnd(20)} ${String(row.cases).padStart(5)}   ${row.atLeast.toFixed(3).padStart(7)}   ${row.exact.toFixed(3)}`);
  }
  console.log("  per category            cases   recall");
  for (const [category, row] of Object.entries(corpus.perCategory).sort()) {
    console.log(`    ${category.padEnd(20)} ${String(row.cases).padStart(5)}   ${row.recall.toFixed(3).padStart(6)}`);
  }
  if (verbose) for (const miss of corpus.misses) console.log(`  miss: expected ${miss.expected}, got ${miss.got}: ${miss.text}`);

  // The hold-out sets were written without looking at the patterns, in three rounds. Their first
  // runs scored 0.633, 0.692 and 0.450 high+imminent recall: the corpus above flatters a pattern screen.
  // Each round's misses were then fixed in general form; a new round is the honest next check.
  const holdout = evaluateCorpus(loadCorpus(HOLDOUT_FILE));
  console.log(`\nHold-out phrasings: ${holdout.cases} cases, ${holdout.benign} benign (first runs: recall 0.633, 0.692, 0.450)`);
  console.log(`  high+imminent recall: ${holdout.hardStopRecall.toFixed(3)}   benign false positives: ${pct(holdout.benignFalsePositiveRate)}`);
  if (verbose) for (const miss of holdout.misses) console.log(`  miss: expected ${miss.expected}, got ${miss.got}: ${miss.text}`);

  const rows = loadSelfHarmRows();
  if (!rows) {
    console.log(`\nModeration set not found at ${MODERATION_FILE}; skipped.`);
    return;
  }
  const sh = evaluateBinary(rows);
  console.log(`\nOpenAI moderation set, SH label: ${sh.rows} rows, ${sh.positives} positive`);
  console.log(`  precision ${sh.precision.toFixed(3)}   recall ${sh.recall.toFixed(3)}   F1 ${sh.f1.toFixed(3)}   target F1 ≥ 0.75 (seed keyword list: 0.49)`);
}

main();

// The floors npm test keeps for the crisis screen: on every blind round (these messages have been
// seen since their first run, so these are regression floors, not the honest figures — those are in
// each round's .first-run.json and the README), per class and per language; on the project's corpus
// and the older hold-out phrasings; and on the OpenAI moderation set's self-harm label.
import { describe, expect, it } from "vitest";
import { HOLDOUT_FILE, CORPUS_FILE, loadSelfHarmRows } from "../../lib/safety/datasets.js";
import { evaluateBinary } from "../../lib/safety/evaluate.js";
import { corpusAsRound, loadRound, roundFiles, scoreRound } from "../../lib/safety/rounds.js";
import { screen } from "../../lib/safety/screen.js";

const screener = (message: string, history: readonly string[]) => screen(message, { history }).level;
const HIGH_RISK_CLASSES = [
  "means_place_now",
  "preparation_time",
  "attempt_underway",
  "explicit_ideation",
  "farewell",
  "harm_others",
  "danger_now",
];

describe.each(roundFiles().map((f) => [f.split("/").pop()!, f]))("blind %s", (_name, file) => {
  const report = scoreRound(loadRound(file), screener);
  it("keeps the issue's measures at their floors", () => {
    expect(report.hardStopRecall.rate).toBeGreaterThanOrEqual(0.9);
    expect(report.imminentExact.rate).toBeGreaterThanOrEqual(0.85);
    expect(report.mediumRecall.rate).toBeGreaterThanOrEqual(0.85);
    expect(report.benignFlagged.rate).toBeLessThanOrEqual(0.05);
    expect(report.negationHardStops.hit).toBe(0);
  });
  it("keeps every high-risk class and every language at its floor", () => {
    for (const c of HIGH_RISK_CLASSES) if (report.perCategory[c]) expect(report.perCategory[c]!.atLeast, c).toBeGreaterThanOrEqual(0.6);
    for (const [lang, row] of Object.entries(report.perLanguage)) expect(row.hardStopRecall, lang).toBeGreaterThanOrEqual(0.75);
  });
});

describe("the project's corpus and the older hold-out phrasings", () => {
  it.each([
    ["corpus", CORPUS_FILE],
    ["hold-out", HOLDOUT_FILE],
  ])("%s: hard stops and benign messages at their floors", (_name, file) => {
    const report = scoreRound(corpusAsRound(file), screener);
    expect(report.hardStopRecall.rate).toBeGreaterThanOrEqual(0.95);
    expect(report.benignFlagged.rate).toBeLessThanOrEqual(0.04);
  });
});

describe("the OpenAI moderation set's self-harm label (data/safety/eval)", () => {
  it("is all there: 1,447 labelled rows, 51 positive", () => {
    const rows = loadSelfHarmRows();
    expect(rows).toHaveLength(1447);
    expect(rows.filter((r) => r.positive)).toHaveLength(51);
  });

  it("keeps recall and F1 at their floors", () => {
    const report = evaluateBinary(loadSelfHarmRows());
    expect(report.recall).toBeGreaterThanOrEqual(0.8);
    expect(report.f1).toBeGreaterThanOrEqual(0.4);
  });
});

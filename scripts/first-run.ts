// npm run safety:first-run -- tests/safety/rounds/round-NN.jsonl
// Scores a new blind round with the screen as it is and writes round-NN.first-run.json beside it,
// once: a round that already has first-run figures keeps them (tune on the next round, not this one).
import { existsSync, writeFileSync } from "node:fs";
import { execSync } from "node:child_process";
import { formatRound, loadRound, scoreRound } from "../lib/safety/rounds.js";
import { screen } from "../lib/safety/screen.js";

const file = process.argv[2];
if (!file) throw new Error("usage: npm run safety:first-run -- tests/safety/rounds/round-NN.jsonl");
const out = file.replace(/\.jsonl$/, ".first-run.json");
if (existsSync(out)) throw new Error(`${out} exists: a round has one first run`);
const report = scoreRound(loadRound(file), (message, history) => screen(message, { history }).level);
const commit = execSync("git rev-parse --short HEAD").toString().trim();
const { misses, ...figures } = report;
writeFileSync(
  out,
  `${JSON.stringify({ scoredAt: new Date().toISOString(), screenAtCommit: commit, ...figures, missedLines: misses.map((m) => m.i + 1) }, null, 2)}\n`,
);
console.log(formatRound(file, report).join("\n"));

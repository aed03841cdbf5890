// npm run outbox — list pending, failed and finished outbox steps; `--replay <id>` re-runs a failed step.
import { runScript } from "./run.js";
import { kv } from "../lib/platform/kv/index.js";
import { doneSteps, failedSteps, pendingSteps, replay, type OutboxStep } from "../lib/platform/outbox/outbox.js";

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

function print(title: string, steps: OutboxStep[]): void {
  console.log(`\n${title} (${steps.length})`);
  for (const s of steps) {
    const note =
      s.status === "pending" ? `next try ${when(s.nextAttemptAt)}` : s.status === "failed" ? (s.lastError ?? "") : (s.outcome ?? "done");
    console.log(`  ${s.id.padEnd(60)} ${s.kind.padEnd(20)} attempts ${String(s.attempts).padStart(2)}  ${note}`);
  }
}

async function main(): Promise<void> {
  const store = await kv();
  const replayAt = process.argv.indexOf("--replay");
  if (replayAt >= 0) {
    const id = process.argv[replayAt + 1];
    if (!id) throw new Error("Usage: npm run outbox -- --replay <step id>");
    const step = await replay(store, id);
    if (!step) throw new Error(`No step ${id}`);
    console.log(
      step.status === "pending"
        ? `Step ${id} will run on the next drain (npm run drain).`
        : `Step ${id} is ${step.status}: only failed steps are replayed.`,
    );
    return;
  }
  print("Pending", await pendingSteps(store, 500));
  print("Failed", await failedSteps(store, 500));
  print("Finished (last 14 days)", await doneSteps(store, 500));
}

runScript(main);

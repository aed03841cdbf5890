// npm run drain — run the due outbox steps now (what the cron does), and print the result and
// what is left: queue depth, the oldest pending step's age, and the records pace.
import { runScript } from "./run.js";
import { drainOutbox } from "../lib/delivery/drain.js";

async function main(): Promise<void> {
  const result = await drainOutbox();
  console.log(
    `succeeded ${result.succeeded}, retried ${result.retried}, failed ${result.failed}, skipped ${result.skipped} in ${result.rounds} round(s)`,
  );
  const age = result.queue.oldestPendingAgeMs;
  console.log(
    `queue: ${result.queue.depth} pending${age === null ? "" : `, oldest ${(age / 1000).toFixed(1)} s old`}, ${result.queue.failed} failed`,
  );
  const pace = result.pace;
  if (pace) {
    console.log(
      `records pace: ${pace.lastSecond}/${pace.limitPerSecond} requests in the last second, ${pace.reservedAhead} reserved ahead${
        pace.lockedForMs ? `, LOCKED OUT for ${(pace.lockedForMs / 1000).toFixed(1)} s` : ""
      }`,
    );
  } else console.log("records pace: embedded store (no vendor limit)");
  if (result.more) console.log("stopped at OUTBOX_DRAIN_MAX_MS with work still due");
}

runScript(main);

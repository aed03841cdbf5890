// npm run drain — run the due outbox steps now (what the cron does), and print the result.
import { runScript } from "./run.js";
import { drainOutbox } from "../lib/drain.js";

async function main(): Promise<void> {
  const result = await drainOutbox({ limit: 500 });
  console.log(`succeeded ${result.succeeded}, retried ${result.retried}, failed ${result.failed}, skipped ${result.skipped}`);
}

runScript(main);

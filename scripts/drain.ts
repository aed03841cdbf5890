// npm run drain — run the due outbox steps now (what the cron does), and print the result.
import { existsSync } from "node:fs";
import { drainOutbox } from "../lib/drain.js";

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const result = await drainOutbox({ limit: 500 });
  console.log(`succeeded ${result.succeeded}, retried ${result.retried}, failed ${result.failed}, skipped ${result.skipped}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

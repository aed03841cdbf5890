// The operator scripts' shared start: load .env when present, run, and print a failure as one
// line (the message, not a stack) with exit code 1.
import { existsSync } from "node:fs";

export function runScript(main: () => Promise<void>): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

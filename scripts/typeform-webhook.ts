// npm run typeform:webhook — register or update the intake webhook on the Typeform form.
import { existsSync } from "node:fs";
import { registerTypeformWebhook } from "../lib/typeform-setup.js";

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  await registerTypeformWebhook();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

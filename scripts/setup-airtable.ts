// npm run setup:airtable — create the missing Airtable tables and fields from lib/records/schema.ts.
// Reads AIRTABLE_API_KEY, AIRTABLE_BASE_ID (and AIRTABLE_ENDPOINT_URL) from the env or .env.
import { existsSync } from "node:fs";
import { setupAirtableBase } from "../lib/records/airtable-setup.js";
import { recordsConfig } from "../lib/records/index.js";

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const env = recordsConfig.load();
  if (!env.AIRTABLE_API_KEY || !env.AIRTABLE_BASE_ID) {
    console.error("Set AIRTABLE_API_KEY and AIRTABLE_BASE_ID (in the environment or .env) first.");
    process.exit(2);
  }
  console.log(`Setting up Airtable base ${env.AIRTABLE_BASE_ID} at ${env.AIRTABLE_ENDPOINT_URL}`);
  const result = await setupAirtableBase({ endpointUrl: env.AIRTABLE_ENDPOINT_URL, apiKey: env.AIRTABLE_API_KEY, baseId: env.AIRTABLE_BASE_ID });
  process.exitCode = result.warnings.length ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

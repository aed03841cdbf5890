// npm run setup:airtable — create the missing Airtable tables and fields from lib/platform/records/schema.ts.
// Reads AIRTABLE_API_KEY, AIRTABLE_BASE_ID (and AIRTABLE_ENDPOINT_URL) from the env or .env.
import { runScript } from "./run.js";
import { setupAirtableBase } from "../lib/vendors/airtable/setup.js";
import { recordsConfig } from "../lib/platform/records/index.js";

async function main(): Promise<void> {
  const env = recordsConfig.load();
  if (!env.AIRTABLE_API_KEY || !env.AIRTABLE_BASE_ID) {
    console.error("Set AIRTABLE_API_KEY and AIRTABLE_BASE_ID (in the environment or .env) first.");
    process.exit(2);
  }
  console.log(`Setting up Airtable base ${env.AIRTABLE_BASE_ID} at ${env.AIRTABLE_ENDPOINT_URL}`);
  const result = await setupAirtableBase({
    endpointUrl: env.AIRTABLE_ENDPOINT_URL,
    apiKey: env.AIRTABLE_API_KEY,
    baseId: env.AIRTABLE_BASE_ID,
  });
  process.exitCode = result.warnings.length ? 1 : 0;
}

runScript(main);

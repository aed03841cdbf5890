// The production stores behind their emulators: Airtable for records (its tables made from the
// schema) and Upstash for kv, with the code under test configured to use them.
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "./airtable-emulator.js";
import { useEnv } from "./env.js";
import { server } from "./msw.js";
import { TEST_UPSTASH_TOKEN, TEST_UPSTASH_URL, upstashEmulator } from "./upstash-emulator.js";

/** Emulated Airtable and Upstash, in use from now on; `env` adds to the configuration. */
export function useVendorStores(env: Record<string, string> = {}) {
  const airtable = airtableEmulator();
  airtable.seedFromSchema();
  const upstash = upstashEmulator();
  server.use(...airtable.handlers, ...upstash.handlers);
  useEnv({
    AIRTABLE_API_KEY: TEST_TOKEN,
    AIRTABLE_BASE_ID: TEST_BASE_ID,
    UPSTASH_REDIS_REST_URL: TEST_UPSTASH_URL,
    UPSTASH_REDIS_REST_TOKEN: TEST_UPSTASH_TOKEN,
    ...env,
  });
  return { airtable, upstash };
}

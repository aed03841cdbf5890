// Chooses the records backend from the environment: Airtable when AIRTABLE_API_KEY and
// AIRTABLE_BASE_ID are set, the embedded SQLite file otherwise. The implementation is imported
// on first use, so endpoints that never write records never load Airtable or SQLite.
import { z } from "zod";
import { bothOrNeither, defineConfig, intFromEnv, lazyAsync, urlFromEnv } from "../config/env.js";
import type { RecordsStore } from "./types.js";

export * from "./types.js";
export * from "./schema.js";

export const recordsConfig = defineConfig(
  "records",
  z
    .object({
      AIRTABLE_API_KEY: z.string().optional(),
      AIRTABLE_BASE_ID: z
        .string()
        .regex(/^app[A-Za-z0-9]{14}$/, "must look like app followed by 14 letters or digits")
        .optional(),
      AIRTABLE_ENDPOINT_URL: urlFromEnv("https://api.airtable.com"),
      AIRTABLE_TIMEOUT_MS: intFromEnv(4000),
    })
    .superRefine(bothOrNeither("AIRTABLE_API_KEY", "AIRTABLE_BASE_ID", "Airtable")),
);

export function recordsBackend(): "airtable" | "sqlite" {
  return recordsConfig.load().AIRTABLE_API_KEY ? "airtable" : "sqlite";
}

export const records = lazyAsync(build);

async function build(): Promise<RecordsStore> {
  const env = recordsConfig.load();
  if (env.AIRTABLE_API_KEY && env.AIRTABLE_BASE_ID) {
    const { createAirtableRecords } = await import("./airtable.js");
    return createAirtableRecords({
      apiKey: env.AIRTABLE_API_KEY,
      baseId: env.AIRTABLE_BASE_ID,
      endpointUrl: env.AIRTABLE_ENDPOINT_URL,
      timeoutMs: env.AIRTABLE_TIMEOUT_MS,
    });
  }
  const { createSqliteRecords } = await import("./sqlite.js");
  return createSqliteRecords();
}

/** Tests swap in a store built with a controlled clock, or one that fails. */
export function setRecordsForTesting(value: RecordsStore | undefined): void {
  records.set(value);
}

// Chooses the records backend from the environment: Airtable when AIRTABLE_API_KEY and
// AIRTABLE_BASE_ID are set, the embedded SQLite file otherwise. The implementation is imported
// on first use, so endpoints that never write records never load Airtable or SQLite.
import { z } from "zod";
import { bothOrNeither, defineConfig, intFromEnv, lazyAsync, urlFromEnv } from "../config/env.js";
import { kv } from "../kv/index.js";
import { warnAndReturn } from "../log.js";
import { createPace, type Pace } from "./pace.js";
import type { RecordsStore } from "./types.js";

export * from "./types.js";
export * from "./schema.js";
export { withPaceWait, type Pace, type PaceStatus } from "./pace.js";

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
      AIRTABLE_REQUESTS_PER_SECOND: intFromEnv(5, { max: 50 }),
      AIRTABLE_PACE_MARGIN_MS: intFromEnv(50, { min: 0, max: 1000 }),
      AIRTABLE_PACE_WAIT_MS: intFromEnv(250, { min: 0, max: 25_000 }),
    })
    .superRefine(bothOrNeither("AIRTABLE_API_KEY", "AIRTABLE_BASE_ID", "Airtable")),
);

export function recordsBackend(): "airtable" | "sqlite" {
  return recordsConfig.load().AIRTABLE_API_KEY ? "airtable" : "sqlite";
}

export const records = lazyAsync(build);

/** The base's shared pace (kept in kv); null when records are the embedded store, which needs none. */
export const recordsPace = lazyAsync(async (): Promise<Pace | null> => {
  const env = recordsConfig.load();
  if (!env.AIRTABLE_API_KEY || !env.AIRTABLE_BASE_ID) return null;
  return createPace({
    kv: await kv(),
    base: env.AIRTABLE_BASE_ID,
    perSecond: env.AIRTABLE_REQUESTS_PER_SECOND,
    marginMs: env.AIRTABLE_PACE_MARGIN_MS,
  });
});

async function build(): Promise<RecordsStore> {
  const env = recordsConfig.load();
  if (env.AIRTABLE_API_KEY && env.AIRTABLE_BASE_ID) {
    const { createAirtableRecords } = await import("../../vendors/airtable/records.js");
    // Without kv the store still works, pacing this instance alone.
    const pace = await recordsPace().catch(warnAndReturn("records.pace_unavailable", undefined));
    return createAirtableRecords({
      apiKey: env.AIRTABLE_API_KEY,
      baseId: env.AIRTABLE_BASE_ID,
      endpointUrl: env.AIRTABLE_ENDPOINT_URL,
      timeoutMs: env.AIRTABLE_TIMEOUT_MS,
      pace: pace ?? undefined,
      paceWaitMs: env.AIRTABLE_PACE_WAIT_MS,
    });
  }
  const { createSqliteRecords } = await import("./sqlite.js");
  return createSqliteRecords();
}

/** Tests swap in a store built with a controlled clock, or one that fails. */
export function setRecordsForTesting(value: RecordsStore | undefined): void {
  records.set(value);
}

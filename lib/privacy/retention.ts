// Retention: Reflections, Crisis Events and Intake Rejections older than their RETENTION_*_DAYS
// are deleted once a day by the cron (GET /api/cron/drain), as outbox steps: one per table and
// day (the cron ticks every few minutes; the step id makes it once a day), so an Airtable outage
// delays a sweep and loses nothing. The embedded SQLite file is checkpointed after its deletes
// (secure_delete is on), so deleted text is not left on disk. Conversation turns expire by their
// own TTL (CONVERSATION_TTL_DAYS). Unset or 0 keeps a table's rows (the default for all three).
import { z } from "zod";
import { ConfigError, defineConfig, intFromEnv } from "../platform/config/env.js";
import { getJson, setJson, type Kv } from "../platform/kv/index.js";
import { log } from "../platform/log.js";
import { enqueue, getStep, type StepHandler } from "../platform/outbox/outbox.js";
import type { RecordsStore, TableName } from "../platform/records/index.js";

export const RETENTION_STEP = "privacy.retention";

const DAYS = { min: 0, max: 36_500 };
export const retentionConfig = defineConfig(
  "retention",
  z.object({
    RETENTION_REFLECTIONS_DAYS: intFromEnv(0, DAYS),
    RETENTION_CRISIS_EVENTS_DAYS: intFromEnv(0, DAYS),
    RETENTION_INTAKE_REJECTIONS_DAYS: intFromEnv(0, DAYS),
  }),
);
type RetentionEnv = ReturnType<typeof retentionConfig.load>;

/** Each table under retention, the date its age is measured by, and the variable that sets it. */
export const RETAINED: { table: TableName; field: string; variable: keyof RetentionEnv }[] = [
  { table: "Reflections", field: "Date", variable: "RETENTION_REFLECTIONS_DAYS" },
  { table: "Crisis Events", field: "Created At", variable: "RETENTION_CRISIS_EVENTS_DAYS" },
  { table: "Intake Rejections", field: "Received At", variable: "RETENTION_INTAKE_REJECTIONS_DAYS" },
];

// This feature's step kinds and their payloads (the outbox's typed registry).
declare module "../platform/outbox/steps.js" {
  interface StepPayloads {
    "privacy.retention": RetentionPayload;
  }
}

export interface RetentionPayload {
  table: TableName;
  field: string;
  /** Rows dated before this (ISO) are deleted: fixed when the day's sweep is queued, so a replay deletes the same. */
  before: string;
  day: string;
  /** A sweep that stopped at its per-run limit continues in part + 1. */
  part: number;
}

interface Tally {
  deleted: number;
  part: number;
  done: boolean;
}

const PAGE = 100;
const PAGES_PER_RUN = 10;
const DAY_MS = 86_400_000;
const TALLY_TTL_SECONDS = 14 * 86_400;
const stepId = (day: string, table: string, part: number) => `retention:${day}:${table}${part ? `:${part}` : ""}`;
const tallyKey = (day: string, table: string) => `retention:tally:${day}:${table}`;
const scheduledKey = (day: string) => `retention:scheduled:${day}`;
const dayOf = (now: number) => new Date(now).toISOString().slice(0, 10);

function settings(): RetentionEnv | ConfigError {
  try {
    return retentionConfig.load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

/** Queue today's sweeps (once a day, however often the cron runs). A bad variable skips retention, never the drain. */
export async function scheduleRetention(kv: Kv, now = Date.now()): Promise<void> {
  const env = settings();
  if (env instanceof ConfigError) {
    log.warn("retention.misconfigured", { variables: env.variables });
    return;
  }
  const day = dayOf(now);
  if (await kv.get(scheduledKey(day))) return;
  for (const { table, field, variable } of RETAINED) {
    const days = env[variable];
    if (!days) continue;
    const payload: RetentionPayload = { table, field, before: new Date(now - days * DAY_MS).toISOString(), day, part: 0 };
    // The step id is the day's: queued twice, it is kept once.
    await enqueue(kv, { kind: RETENTION_STEP, id: stepId(day, table, 0), payload, now });
  }
  await kv.set(scheduledKey(day), "1", { ttlSeconds: 2 * 86_400 });
}

export type RetentionReport =
  { problem: string } | Record<string, { days: 0; status: "kept" } | { days: number; before?: string; status: string; deleted: number }>;

/** What today's sweeps did, per table: for the cron's answer. */
export async function retentionReport(kv: Kv, now = Date.now()): Promise<RetentionReport> {
  const env = settings();
  if (env instanceof ConfigError) return { problem: `check ${env.variables.join(", ")}` };
  const day = dayOf(now);
  const report: Record<string, { days: 0; status: "kept" } | { days: number; before?: string; status: string; deleted: number }> = {};
  for (const { table, variable } of RETAINED) {
    const days = env[variable];
    if (!days) {
      report[table] = { days: 0, status: "kept" };
      continue;
    }
    const tally = await getJson<Tally>(kv, tallyKey(day, table));
    const step = await getStep(kv, stepId(day, table, tally?.part ?? 0));
    const status = tally?.done ? "done" : (step?.status ?? "not scheduled");
    report[table] = { days, before: (step?.payload as RetentionPayload | undefined)?.before, status, deleted: tally?.deleted ?? 0 };
  }
  return report;
}

export function retentionStepHandler(ctx: () => Promise<{ records: RecordsStore; kv: Kv }>): StepHandler<RetentionPayload> {
  return {
    batchSize: 1,
    async run([payload]) {
      if (!payload) return;
      const { records, kv } = await ctx();
      let deleted = 0;
      let more = false;
      for (let page = 1; page <= PAGES_PER_RUN; page++) {
        const rows = await records.olderThan(payload.table, payload.field, payload.before, { limit: PAGE });
        if (rows.length)
          deleted += (
            await records.delete(
              payload.table,
              rows.map((row) => row.id),
            )
          ).length;
        if (rows.length < PAGE) break;
        more = page === PAGES_PER_RUN;
      }
      if (deleted) await records.compact?.();
      const tally = (await getJson<Tally>(kv, tallyKey(payload.day, payload.table))) ?? { deleted: 0, part: 0, done: false };
      const next: Tally = { deleted: tally.deleted + deleted, part: more ? payload.part + 1 : payload.part, done: !more };
      if (more)
        await enqueue(kv, {
          kind: RETENTION_STEP,
          id: stepId(payload.day, payload.table, next.part),
          payload: { ...payload, part: next.part },
        });
      await setJson(kv, tallyKey(payload.day, payload.table), next, { ttlSeconds: TALLY_TTL_SECONDS });
      log.info("retention.swept", { table: payload.table, day: payload.day, part: payload.part, deleted, more });
    },
  };
}

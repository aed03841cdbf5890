// Crisis Events for the operator: a record in the records store (never message text) and an
// alert to a Slack-compatible webhook. Both run after the reply, as outbox steps, so an outage
// delays them instead of losing them — and never delays the person who needs the reply.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { defineConfig, intFromEnv } from "../platform/config/env.js";
import type { Kv } from "../platform/kv/index.js";
import { describeError, log } from "../platform/log.js";
import { enqueue, PermanentStepError, type StepHandler } from "../platform/outbox/outbox.js";
import type { RecordsStore } from "../platform/records/index.js";
import { resolveUsers } from "../participants/repository.js";
import { levelRank, SAFETY_LEVELS, type SafetyLevel } from "../safety/levels.js";

/** The operator's alert webhook (a Slack-style incoming webhook), when set, and the repeat window. */
const alertConfig = defineConfig(
  "crisis",
  z.object({
    CRISIS_ALERT_WEBHOOK_URL: z.url().optional(),
    CRISIS_REPEAT_WINDOW_MINUTES: intFromEnv(30, { min: 0, max: 24 * 60 }),
  }),
);

export const CRISIS_RECORD_STEP = "crisis.record";
export const CRISIS_ALERT_STEP = "crisis.alert";

// This feature's step kinds and their payloads (the outbox's typed registry).
declare module "../platform/outbox/steps.js" {
  interface StepPayloads {
    "crisis.record": CrisisEventPayload;
    "crisis.alert": CrisisEventPayload;
  }
}

export interface CrisisEventPayload {
  eventId: string;
  level: SafetyLevel;
  categories: string[];
  source: "chat" | "reflection" | "crisis";
  country: string;
  healingName?: string;
  /** The layer that set the level (grammar, conversation, model, judge, moderation). */
  decidedBy?: string;
  /** A one-way hash of who it is about (Healing Name, else client address), for telling repeats apart; never written to the records. */
  subject?: string;
  createdAt: string;
}

export function newCrisisEvent(input: Omit<CrisisEventPayload, "eventId" | "createdAt">): CrisisEventPayload {
  return { ...input, eventId: randomUUID(), createdAt: new Date().toISOString() };
}

/** Queue the record and (when configured) the alert; returns their step ids. Ids make a repeated enqueue harmless. */
export async function enqueueCrisisEvent(kv: Kv, event: CrisisEventPayload): Promise<string[]> {
  const ids = [(await enqueue(kv, { kind: CRISIS_RECORD_STEP, id: `crisis-record:${event.eventId}`, payload: event })).id];
  if (alertUrl()) ids.push((await enqueue(kv, { kind: CRISIS_ALERT_STEP, id: `crisis-alert:${event.eventId}`, payload: event })).id);
  return ids;
}

/**
 * Whether this hard stop repeats one already recorded for the same person, at the same or a higher
 * level, within CRISIS_REPEAT_WINDOW_MINUTES (default 30; 0 records every one). One person in
 * crisis writing ten messages is one Crisis Event and one alert, not ten — and a script repeating a
 * crisis phrase cannot bury the operator's table or push real events behind a backlog. A higher
 * level (imminent after high) is always a new event. Without a subject every event counts.
 */
export async function isRepeat(kv: Kv, event: CrisisEventPayload): Promise<boolean> {
  const minutes = repeatWindowMinutes();
  if (!event.subject || minutes === 0) return false;
  const key = (level: SafetyLevel) => `crisis:seen:${event.subject}:${level}`;
  const higher = SAFETY_LEVELS.filter((level) => levelRank(level) > levelRank(event.level));
  for (const level of higher) if (await kv.get(key(level))) return countRepeat(kv, event, minutes);
  if (await kv.setIfAbsent(key(event.level), event.eventId, { ttlSeconds: minutes * 60 })) return false;
  return countRepeat(kv, event, minutes);
}

async function countRepeat(kv: Kv, event: CrisisEventPayload, minutes: number): Promise<true> {
  const repeats = await kv.increment(`crisis:repeats:${event.subject}`, { ttlSeconds: minutes * 60 });
  log.info("crisis.repeat", { eventId: event.eventId, level: event.level, source: event.source, repeats });
  return true;
}

function repeatWindowMinutes(): number {
  try {
    return alertConfig.load().CRISIS_REPEAT_WINDOW_MINUTES;
  } catch (error) {
    // Recording a crisis never fails on configuration: the default window, and a reason in the log.
    log.warn("crisis.config_invalid", describeError(error));
    return 30;
  }
}

function alertUrl(): string | undefined {
  try {
    return alertConfig.load().CRISIS_ALERT_WEBHOOK_URL;
  } catch (error) {
    log.error("crisis.alert_misconfigured", describeError(error));
    return undefined;
  }
}

export function crisisRecordHandler(ctx: () => Promise<{ records: RecordsStore; kv: Kv | null }>): StepHandler<CrisisEventPayload> {
  return {
    batchSize: 10,
    async run(events) {
      const { records, kv } = await ctx();
      const names = events.map((e) => e.healingName).filter((n): n is string => Boolean(n));
      const users = names.length ? await resolveUsers(names, { records, kv }) : new Map<string, { id: string; name: string }>();
      await records.upsert("Crisis Events", {
        mergeOn: ["Event ID"],
        records: events.map((e) => ({
          "Event ID": e.eventId,
          User: e.healingName ? [users.get(e.healingName)!.id] : undefined,
          "Healing Name": e.healingName ? users.get(e.healingName)!.name : undefined,
          Level: e.level,
          Categories: e.categories,
          Source: e.source,
          Country: e.country.length === 2 ? e.country : undefined,
          "Decided By": e.decidedBy,
          Status: "New",
          "Created At": e.createdAt,
        })),
      });
    },
    async prepare(events) {
      const names = events.map((e) => e.healingName).filter((n): n is string => Boolean(n));
      if (names.length) await resolveUsers(names, await ctx());
    },
  };
}

/** Slack-compatible: `{ text }`. Names who and how urgent, never what they wrote. */
export function alertMessage(event: CrisisEventPayload): { text: string } {
  const who = event.healingName ? `Healing Name "${event.healingName}"` : "An anonymous visitor";
  const categories = event.categories.length ? event.categories.join(", ") : "unspecified";
  return {
    text: `:rotating_light: Crisis screen: ${who} — level *${event.level}* (${categories}) via ${event.source}, country ${event.country}. Event ${event.eventId}. Follow up in Airtable › Crisis Events.`,
  };
}

export const crisisAlertHandler: StepHandler<CrisisEventPayload> = {
  batchSize: 1,
  async run([event]) {
    const url = alertUrl();
    if (!url || !event) return;
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(alertMessage(event)),
      signal: AbortSignal.timeout(5000),
    });
    // Slack answers 4xx for a revoked or mistyped webhook: retrying will not fix that.
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      throw new PermanentStepError(`Alert webhook refused the alert (${response.status})`);
    }
    if (!response.ok) throw new Error(`Alert webhook answered ${response.status}`);
  },
};

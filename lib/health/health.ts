// Health. The fast answer says which backend each service would use, from configuration alone
// (no vendor call, no secret) — liveness. The deep answer (`?deep=1`) probes each configured
// backend within a budget and reports its state; a required one (records, kv) down is a 503.
import { z } from "zod";
import { ConfigError, defineConfig, intFromEnv } from "../platform/config/env.js";
import { billingConfig, billingProbe } from "../billing/billing.js";
import { companionBackend, companionConfig } from "../companion/config.js";
import { kv, kvBackend } from "../platform/kv/index.js";
import { mailchimpBackend, mailchimpProbe } from "../vendors/mailchimp/mailchimp.js";
import { records, recordsBackend, RecordsError, withPaceWait } from "../platform/records/index.js";
import { within } from "../platform/timeout.js";
import { outboxStatus } from "../platform/outbox/status.js";
import { encryptionBackend } from "../privacy/seal.js";
import { participantConfig } from "../participants/credentials.js";

export const SERVICE_PROBES: Record<string, () => string> = {
  records: recordsBackend,
  kv: kvBackend,
  companion: companionBackend,
  mailchimp: mailchimpBackend,
  // Where the key sealing conversation text comes from; on Vercel a missing key is a problem.
  encryption: encryptionBackend,
};

const config = defineConfig(
  "health",
  z.object({ VERCEL: z.string().optional(), HEALTH_PROBE_BUDGET_MS: intFromEnv(2500, { min: 100, max: 10_000 }) }),
);
const EMBEDDED = new Set(["sqlite"]);
const VENDOR_VARIABLES: Record<string, string> = {
  records: "AIRTABLE_API_KEY and AIRTABLE_BASE_ID",
  kv: "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN",
};

export interface BackendReport {
  backends: Record<string, string>;
  /** Misconfigured variables (named, never their values). */
  problems: string[];
  /** Things that work now but lose data or refuse providers in production. */
  warnings: string[];
}

export function activeBackends(): BackendReport {
  const backends: Record<string, string> = {};
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const [service, probe] of Object.entries(SERVICE_PROBES)) {
    try {
      backends[service] = probe();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      backends[service] = "misconfigured";
      problems.push(`${service}: check ${error.variables.join(", ")}`);
    }
  }
  if (config.load().VERCEL) {
    for (const [service, backend] of Object.entries(backends)) {
      if (EMBEDDED.has(backend)) {
        warnings.push(
          `${service}: NOT PERSISTENT — the embedded SQLite lives in /tmp and is lost between invocations; set ${VENDOR_VARIABLES[service] ?? "the vendor variables"}`,
        );
      }
    }
    if (!safeLoad(() => billingConfig.load().STRIPE_WEBHOOK_SECRET))
      warnings.push("billing: STRIPE_WEBHOOK_SECRET is not set; Stripe webhooks answer 503");
    if (!safeLoad(() => participantConfig.load().PARTICIPANT_SECRET)) {
      warnings.push(
        "participants: PARTICIPANT_SECRET is not set; personal links cannot be made or checked (welcome emails wait in the outbox, reflections answer 503)",
      );
    }
  }
  return { backends, problems, warnings };
}

function safeLoad<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    // An invalid config is reported by that service's own check; here it only counts as unset.
    return undefined;
  }
}

export type ProbeState = "ok" | "degraded" | "down" | "not_configured";
export interface Check {
  state: ProbeState;
  ms?: number;
  /** An error name or code, or why the state is what it is; never a vendor's message. */
  detail?: string;
}

const REQUIRED = new Set(["records", "kv"]);

// Each probe first prepares (imports an SDK, builds a client: local work), then returns the one
// round trip that is timed and bounded — or says the service is not configured.
type Probe = () => Promise<"not_configured" | ((signal: AbortSignal) => Promise<unknown>)>;

const PROBES: Record<string, Probe> = {
  records: async () => {
    const store = await records();
    // The probe is an Airtable request like any other: it waits its turn in the base's pace.
    const wait = config.load().HEALTH_PROBE_BUDGET_MS / 2;
    return () => withPaceWait(wait, () => store.find("Users", { "Healing Name": "health-probe" }, { limit: 1 }));
  },
  kv: async () => {
    const store = await kv();
    return () => store.get("health:probe");
  },
  companion: async () => {
    if (companionBackend() === "offline") return "not_configured";
    const { openAIProbe } = await import("../vendors/openai/companion.js");
    return openAIProbe(companionConfig.load());
  },
  mailchimp: async () => (mailchimpBackend() === "journey-log" ? "not_configured" : mailchimpProbe()),
  billing: billingProbe,
};

async function runProbe(name: string, budgetMs: number): Promise<Check> {
  let started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const probe = await PROBES[name]!();
    if (probe === "not_configured") return { state: "not_configured" };
    started = performance.now();
    const answer = await within<unknown>(probe(AbortSignal.timeout(budgetMs)), budgetMs, () => TIMEOUT);
    if (answer === TIMEOUT) return { state: "down", ms: ms(), detail: `no answer within ${budgetMs} ms` };
    // Answering, but slowly enough to eat a request's budget.
    return ms() > budgetMs / 2 ? { state: "degraded", ms: ms(), detail: "slow" } : { state: "ok", ms: ms() };
  } catch (error) {
    if (error instanceof ConfigError) return { state: "down", ms: ms(), detail: `check ${error.variables.join(", ")}` };
    if (error instanceof RecordsError && (error.code === "RATE_LIMITED" || error.code === "BUSY"))
      return { state: "degraded", ms: ms(), detail: error.code };
    const code = (error as { code?: unknown }).code;
    return { state: "down", ms: ms(), detail: typeof code === "string" ? code : error instanceof Error ? error.name : "error" };
  }
}

const TIMEOUT = Symbol("timeout");

type Outbox = Awaited<ReturnType<typeof outboxStatus>>;

/** Probe every service in parallel, each within the budget; with the outbox backlog and the records pace. */
export async function deepHealth(): Promise<
  BackendReport & { status: "ok" | "degraded" | "down"; checks: Record<string, Check> } & Partial<Outbox>
> {
  const report = activeBackends();
  const { HEALTH_PROBE_BUDGET_MS: budgetMs } = config.load();
  const names = Object.keys(PROBES);
  const [results, outbox] = await Promise.all([
    Promise.all(names.map((name) => runProbe(name, budgetMs))),
    // Only kv reads; left out when kv cannot answer in time or fails (its own check says why).
    within(
      outboxStatus().catch(() => undefined),
      budgetMs,
      () => undefined,
    ),
  ]);
  const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
  const down = names.some((name) => REQUIRED.has(name) && checks[name]!.state === "down");
  const impaired =
    report.problems.length > 0 || report.warnings.length > 0 || results.some((c) => c.state === "down" || c.state === "degraded");
  return { status: down ? "down" : impaired ? "degraded" : "ok", checks, ...(outbox ?? {}), ...report };
}

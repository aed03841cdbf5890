// Mailchimp Marketing, wrapped. The SDK is a global singleton on superagent with a 120 s default
// timeout and no retries; here it is configured once with a short timeout and an optional base
// URL, calls are capped at Mailchimp's 10 concurrent connections, and errors are classified:
// "Member In Compliance State" (unsubscribed or cleaned) is a final outcome, never retried.
import { createHash } from "node:crypto";
import { z } from "zod";
import { bothOrNeither, defineConfig, intFromEnv, lazyAsync } from "../../platform/config/env.js";
import { FinalOutcome, PermanentStepError } from "../../platform/outbox/outbox.js";

export const mailchimpConfig = defineConfig(
  "mailchimp",
  z
    .object({
      MAILCHIMP_API_KEY: z
        .string()
        .regex(/-[a-z]+\d+$/, "must end with the data center, like …-us21")
        .optional(),
      MAILCHIMP_LIST_ID: z.string().optional(),
      MAILCHIMP_BASE_URL: z.url().optional(),
      MAILCHIMP_STATUS_IF_NEW: z.enum(["subscribed", "pending"]).default("subscribed"),
      MAILCHIMP_TIMEOUT_MS: intFromEnv(8000, { min: 1000, max: 60_000 }),
    })
    .superRefine(bothOrNeither("MAILCHIMP_API_KEY", "MAILCHIMP_LIST_ID", "Mailchimp")),
);

export function mailchimpBackend(): "mailchimp" | "journey-log" {
  return mailchimpConfig.load().MAILCHIMP_API_KEY ? "mailchimp" : "journey-log";
}

/** Mailchimp's id for a member: md5 of the lower-cased email. */
export function subscriberHash(email: string): string {
  return createHash("md5").update(email.trim().toLowerCase()).digest("hex");
}

interface MailchimpSdk {
  setConfig(config: Record<string, unknown>): void;
  basePath: string;
  timeout: number;
  lists: {
    setListMember(listId: string, hash: string, body: Record<string, unknown>): Promise<unknown>;
    updateListMemberTags(listId: string, hash: string, body: { tags: { name: string; status: "active" | "inactive" }[] }): Promise<unknown>;
    getListMember(listId: string, hash: string): Promise<Record<string, unknown>>;
    getListMemberTags(listId: string, hash: string, opts?: { count?: number }): Promise<{ tags?: { name: string }[] }>;
    deleteListMemberPermanent(listId: string, hash: string): Promise<unknown>;
  };
  ping: { get(): Promise<unknown> };
  customerJourneys: { trigger(journeyId: string | number, stepId: string | number, body: { email_address: string }): Promise<unknown> };
}

const sdk = lazyAsync(async () => {
  const env = mailchimpConfig.load();
  const { default: api } = await import("@mailchimp/mailchimp_marketing");
  const configured = api as MailchimpSdk;
  const server = env.MAILCHIMP_API_KEY!.split("-").pop()!;
  // With a base URL override there is no "server" placeholder to fill in.
  configured.setConfig(env.MAILCHIMP_BASE_URL ? { apiKey: env.MAILCHIMP_API_KEY } : { apiKey: env.MAILCHIMP_API_KEY, server });
  configured.basePath = env.MAILCHIMP_BASE_URL ? env.MAILCHIMP_BASE_URL.replace(/\/+$/, "") : "https://server.api.mailchimp.com/3.0";
  configured.timeout = env.MAILCHIMP_TIMEOUT_MS;
  return configured;
});

async function client(): Promise<{ api: MailchimpSdk; listId: string; statusIfNew: string }> {
  const env = mailchimpConfig.load();
  if (!env.MAILCHIMP_API_KEY || !env.MAILCHIMP_LIST_ID) throw new Error("Mailchimp is not configured");
  return { api: await sdk(), listId: env.MAILCHIMP_LIST_ID, statusIfNew: env.MAILCHIMP_STATUS_IF_NEW };
}

// At most 10 calls in flight per instance: Mailchimp's per-account connection limit.
const MAX_CONCURRENT = 10;
let active = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (active >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await work();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

/** Map a superagent/Mailchimp error: compliance → final outcome, other 4xx → permanent, the rest → retry. */
function classify(error: unknown): Error {
  const { status, response } = (error ?? {}) as { status?: number; response?: { body?: { title?: string; detail?: string } } };
  const title = response?.body?.title ?? "";
  if (status === 400 && /compliance state/i.test(title))
    return new FinalOutcome("Member In Compliance State (unsubscribed or cleaned): not retried");
  // Erased on request (delete-permanent): Mailchimp refuses to re-import them, as it should.
  if (status === 400 && /forgotten email/i.test(title))
    return new FinalOutcome("Forgotten Email (permanently deleted on request): not re-imported");
  if (status && status >= 400 && status < 500 && status !== 429) {
    return new PermanentStepError(`Mailchimp refused the request (${status} ${title})`.trim());
  }
  return new Error(status ? `Mailchimp answered ${status}` : "Mailchimp did not answer in time");
}

async function call<T>(work: (api: MailchimpSdk, listId: string, statusIfNew: string) => Promise<T>): Promise<T> {
  const { api, listId, statusIfNew } = await client();
  try {
    return await limited(() => work(api, listId, statusIfNew));
  } catch (error) {
    throw classify(error);
  }
}

/** Add or update a member; `status_if_new` only, so people who left are never re-subscribed. */
export function upsertMember(input: { email: string; mergeFields: Record<string, string> }): Promise<unknown> {
  return call((api, listId, statusIfNew) =>
    api.lists.setListMember(listId, subscriberHash(input.email), {
      email_address: input.email,
      status_if_new: statusIfNew,
      merge_fields: input.mergeFields,
    }),
  );
}

export function updateTags(input: { email: string; add: string[]; remove: string[] }): Promise<unknown> {
  const tags = [
    ...input.add.map((name) => ({ name, status: "active" as const })),
    ...input.remove.map((name) => ({ name, status: "inactive" as const })),
  ];
  return call((api, listId) => api.lists.updateListMemberTags(listId, subscriberHash(input.email), { tags }));
}

/** Start a Customer Journey step for a member. Not idempotent: the outbox runs it at most once. */
export function triggerJourney(input: { email: string; journeyId: string | number; stepId: string | number }): Promise<unknown> {
  return call((api) => api.customerJourneys.trigger(input.journeyId, input.stepId, { email_address: input.email }));
}

const notFound = (error: unknown) => (error as { status?: number })?.status === 404;

/** The member and their tags as Mailchimp holds them (for an export); null when there is none. */
export async function getMember(email: string): Promise<{ member: Record<string, unknown>; tags: string[] } | null> {
  const { api, listId } = await client();
  const hash = subscriberHash(email);
  try {
    const member = await limited(() => api.lists.getListMember(listId, hash));
    const tags = await limited(() => api.lists.getListMemberTags(listId, hash, { count: 1000 }));
    return { member, tags: (tags.tags ?? []).map((t) => t.name) };
  } catch (error) {
    if (notFound(error)) return null;
    throw classify(error);
  }
}

/** Permanently delete a member (POST …/actions/delete-permanent); false when there was none. */
export async function deleteMemberPermanently(email: string): Promise<boolean> {
  const { api, listId } = await client();
  try {
    await limited(() => api.lists.deleteListMemberPermanent(listId, subscriberHash(email)));
    return true;
  } catch (error) {
    if (notFound(error)) return false;
    throw classify(error);
  }
}

/** For /api/health?deep=1: builds the client, then returns a call to Mailchimp's health check endpoint. */
export async function mailchimpProbe(): Promise<() => Promise<unknown>> {
  await client();
  return () => call((api) => api.ping.get());
}

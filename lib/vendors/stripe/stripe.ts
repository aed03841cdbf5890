// Stripe's wire code: the only module that imports the Stripe SDK. It builds one lazily imported
// client (its pinned API version is the one this code was written against), verifies a webhook
// signature on the raw body, re-reads a subscription and probes the API. Billing decisions
// (ledger, plans, which event wins) are lib/billing's.
import type Stripe from "stripe";
import { z } from "zod";
import { defineConfig, lazyAsync } from "../../platform/config/env.js";
import { PermanentStepError, RetryableStepError } from "../../platform/outbox/errors.js";

export const stripeConfig = defineConfig(
  "billing",
  z.object({
    STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_", "must start with whsec_").optional(),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_/, "must start with sk_ or rk_")
      .optional(),
    STRIPE_API_BASE_URL: z.url().optional(),
  }),
);

export const stripe = lazyAsync(async (): Promise<Stripe> => {
  const env = stripeConfig.load();
  const { default: StripeSdk } = await import("stripe");
  const base = env.STRIPE_API_BASE_URL ? new URL(env.STRIPE_API_BASE_URL) : undefined;
  // Verifying signatures needs no API key; re-reading subscriptions does.
  return new StripeSdk(env.STRIPE_SECRET_KEY ?? "sk_test_signature_verification_only", {
    timeout: 8000,
    maxNetworkRetries: 1,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === "https:" ? 443 : 80),
          protocol: base.protocol.replace(":", "") as "http" | "https",
        }
      : {}),
  });
});

/** The event the signature covers, or null when the signature does not match (or is older than `toleranceSeconds`). */
export async function constructStripeEvent(raw: string, header: string, secret: string, toleranceSeconds: number): Promise<unknown> {
  try {
    return (await stripe()).webhooks.constructEvent(raw, header, secret, toleranceSeconds);
  } catch {
    return null;
  }
}

/** A subscription's current status, re-read from Stripe; null when Stripe no longer has it. */
export async function retrieveSubscriptionStatus(subscriptionId: string): Promise<Stripe.Subscription.Status | null> {
  try {
    return (await (await stripe()).subscriptions.retrieve(subscriptionId)).status;
  } catch (error) {
    if ((error as { code?: string }).code === "resource_missing") return null;
    throw stepError(error);
  }
}

/** For /api/health?deep=1: one cheap authenticated call when a key is set. */
export async function stripeProbe(): Promise<() => Promise<unknown>> {
  const env = stripeConfig.load();
  const client = await stripe();
  return async () => {
    if (env.STRIPE_SECRET_KEY) await client.balance.retrieve({}, { maxNetworkRetries: 0, timeout: 3000 });
  };
}

/** Stripe's errors mapped onto the outbox's: a 429, a 5xx or no answer is retried; another 4xx (a bad key, a bad request) is not. */
export function stepError(error: unknown): Error {
  const status = (error as { statusCode?: number }).statusCode;
  const name = (error as { type?: string }).type ?? "StripeError";
  if (status && status >= 400 && status < 500 && status !== 429 && status !== 409)
    return new PermanentStepError(`Stripe refused the request (${status} ${name})`);
  return new RetryableStepError(`Stripe did not answer usefully (${status ?? "no response"} ${name})`);
}

// Crisis configuration: the fallback country for resources and the operator alert webhook.
import { z } from "zod";
import { defineConfig } from "../config/env.js";

export const crisisConfig = defineConfig(
  "crisis",
  z.object({
    CRISIS_DEFAULT_COUNTRY: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "must be a two-letter country code")
      .default("US")
      .transform((c) => c.toUpperCase()),
    CRISIS_ALERT_WEBHOOK_URL: z.url().optional(),
  }),
);

/** The default country, or US when the variable is invalid: resources must never fail to render. */
export function defaultCountry(): string {
  try {
    return crisisConfig.load().CRISIS_DEFAULT_COUNTRY;
  } catch {
    return "US";
  }
}

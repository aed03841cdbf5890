// Crisis configuration: the fallback country for resources and the operator alert webhook.
import { z } from "zod";
import { defineConfig } from "../config/env.js";
import { countrySchema } from "../validation.js";

export const crisisConfig = defineConfig(
  "crisis",
  z.object({
    CRISIS_DEFAULT_COUNTRY: countrySchema
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

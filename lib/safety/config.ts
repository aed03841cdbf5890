// Crisis configuration: the fallback country for resources. Read without a validation library, as
// everything on the crisis path is; the operator alert webhook is configured in lib/crisis-events/crisis-events.ts.
import { envValue } from "../platform/config/env-core.js";
import { COUNTRY_CODE } from "../platform/text-rules.js";

/** CRISIS_DEFAULT_COUNTRY, or US when it is unset or not a two-letter code: resources must never fail to render. */
export function defaultCountry(): string {
  const code = envValue("CRISIS_DEFAULT_COUNTRY");
  return code && COUNTRY_CODE.test(code) ? code.toUpperCase() : "US";
}

// Which backend each service would use, from configuration alone (no vendor call, no secret).
import { z } from "zod";
import { ConfigError, defineConfig } from "./config/env.js";
import { companionBackend } from "./companion/config.js";
import { kvBackend } from "./kv/index.js";
import { mailchimpBackend } from "./mailchimp.js";
import { recordsBackend } from "./records/index.js";

type Probe = () => string;

export const SERVICE_PROBES: Record<string, Probe> = {
  records: recordsBackend,
  kv: kvBackend,
  companion: companionBackend,
  mailchimp: mailchimpBackend,
};

const platform = defineConfig("platform", z.object({ VERCEL: z.string().optional() }));
const EMBEDDED = new Set(["sqlite"]);

export function activeBackends(): { backends: Record<string, string>; problems: string[] } {
  const backends: Record<string, string> = {};
  const problems: string[] = [];
  for (const [service, probe] of Object.entries(SERVICE_PROBES)) {
    try {
      backends[service] = probe();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      backends[service] = "misconfigured";
      problems.push(`${service}: check ${error.variables.join(", ")}`);
    }
  }
  if (platform.load().VERCEL) {
    for (const [service, backend] of Object.entries(backends)) {
      if (EMBEDDED.has(backend)) problems.push(`${service}: the embedded ${backend} store does not persist on Vercel; configure the vendor`);
    }
  }
  return { backends, problems };
}

// Which backend each service would use, from configuration alone (no vendor call, no secret).
import { ConfigError } from "./config/env.js";
import { kvBackend } from "./kv/index.js";
import { recordsBackend } from "./records/index.js";

type Probe = () => string;

export const SERVICE_PROBES: Record<string, Probe> = {
  records: recordsBackend,
  kv: kvBackend,
};

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
  return { backends, problems };
}

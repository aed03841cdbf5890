// GET /api/health — liveness and the active backend of each service, from configuration alone.
// GET /api/health?deep=1 — probes each configured backend within a budget; 503 when a required
// one (records, kv) is down. Never returns a secret.
import { handle } from "../lib/platform/http/handler.js";
import { json } from "../lib/platform/http/respond.js";
import { activeBackends, deepHealth } from "../lib/health/health.js";

export async function GET(request?: Request): Promise<Response> {
  return handle("health", async () => {
    const deep = request ? ["1", "true"].includes(new URL(request.url).searchParams.get("deep") ?? "") : false;
    if (deep) {
      const { status, ...report } = await deepHealth();
      return json({ status, ...report, time: new Date().toISOString() }, { status: status === "down" ? 503 : 200 });
    }
    const { backends, problems, warnings } = activeBackends();
    const status = problems.length || warnings.length ? "degraded" : "ok";
    return json({ status, backends, problems, warnings, time: new Date().toISOString() });
  });
}

// GET /api/health — liveness and the active backend of each service. Never returns a secret.
import { handle } from "../lib/http/handler.js";
import { json } from "../lib/http/respond.js";
import { activeBackends } from "../lib/health.js";

export async function GET(): Promise<Response> {
  return handle("health", async () => {
    const { backends, problems } = activeBackends();
    return json({ status: problems.length ? "degraded" : "ok", backends, problems, time: new Date().toISOString() });
  });
}

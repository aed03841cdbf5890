// GET /api/cron/drain — Vercel cron: run the outbox steps that are due (deferred writes, effects).
import { authorizeCron } from "../../lib/cron.js";
import { drainOutbox } from "../../lib/drain.js";
import { handle } from "../../lib/http/handler.js";
import { json } from "../../lib/http/respond.js";

export async function GET(request: Request): Promise<Response> {
  return handle("cron.drain", async () => {
    authorizeCron(request);
    const result = await drainOutbox({ limit: 200 });
    return json({ status: "ok", ...result });
  });
}

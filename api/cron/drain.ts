// GET /api/cron/drain — Vercel cron: run the outbox steps that are due (deferred writes, effects),
// and answer with what is left: queue depth, oldest pending age, the records pace. Once a day it
// first queues the retention sweeps (lib/privacy/retention.ts) and answers with their counts.
import { authorizeCron } from "../../lib/platform/cron.js";
import { cronDrain } from "../../lib/delivery/drain.js";
import { handle } from "../../lib/platform/http/handler.js";
import { json } from "../../lib/platform/http/respond.js";

export async function GET(request: Request): Promise<Response> {
  return handle("cron.drain", async () => {
    authorizeCron(request);
    const hop = Number(new URL(request.url).searchParams.get("hop")) || 0;
    return json({ status: "ok", ...(await cronDrain(hop)) });
  });
}

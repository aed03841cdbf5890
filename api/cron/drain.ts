// GET /api/cron/drain — Vercel cron: run the outbox steps that are due (deferred writes, effects),
// and answer with what is left: queue depth, oldest pending age, the records pace. Once a day it
// first queues the retention sweeps (lib/privacy/retention.ts) and answers with their counts.
import { authorizeCron } from "../../lib/cron.js";
import { drainOutbox } from "../../lib/drain.js";
import { handle } from "../../lib/http/handler.js";
import { json } from "../../lib/http/respond.js";
import { kv } from "../../lib/kv/index.js";
import { retentionReport, scheduleRetention } from "../../lib/privacy/retention.js";

export async function GET(request: Request): Promise<Response> {
  return handle("cron.drain", async () => {
    authorizeCron(request);
    const hop = Number(new URL(request.url).searchParams.get("hop")) || 0;
    const store = await kv();
    await scheduleRetention(store);
    const result = await drainOutbox({ hop });
    return json({ status: "ok", ...result, retention: await retentionReport(store) });
  });
}

// What is waiting and how fast records go out — the drain's output and /api/health?deep=1 show
// it, so an operator can see a backlog moving. Only kv reads; kept apart from drain.ts so the
// health endpoint does not load every step handler.
import { kv } from "../kv/index.js";
import { warnAndReturn } from "../log.js";
import { backlog, type Backlog } from "./outbox.js";
import { recordsPace, type PaceStatus } from "../records/index.js";

export async function outboxStatus(): Promise<{ queue: Backlog; pace: PaceStatus | null }> {
  const store = await kv();
  const pace = await recordsPace().catch(warnAndReturn("records.pace_unavailable", null));
  return { queue: await backlog(store), pace: pace ? await pace.status() : null };
}

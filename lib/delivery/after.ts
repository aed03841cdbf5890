// What a request path asks of delivery once it has answered — record a crisis, drain a little —
// without loading the drain and every feature's step handlers at cold start. The drain module is
// imported when the work runs, after the response (a Vercel build bundles it all the same).
import type { CrisisEventPayload } from "../crisis-events/crisis-events.js";
import { runAfter } from "../platform/background.js";
import { describeError, log } from "../platform/log.js";

const delivery = () => import("./drain.js");

/** After a hard-stop reply: queue and try the Crisis Event and the operator alert (see drain.ts reportCrisis). */
export function reportCrisis(event: CrisisEventPayload): void {
  runAfter("crisis.report", async () => {
    let drain;
    try {
      drain = await delivery();
    } catch (error) {
      // Said as loudly as an event the stores refused: the operator must know one went unrecorded.
      log.error("crisis.unrecorded", { eventId: event.eventId, level: event.level, source: event.source, ...describeError(error) });
      return;
    }
    drain.reportCrisis(event);
  });
}

/** After the response: if anything is due and nobody else is draining, deliver a little. */
export function drainSoon(): void {
  runAfter("outbox.drain", async () => (await delivery()).drainSoon());
}

/** Deliver these steps now, whatever their due time, in the order of the groups (each after the one before). */
export async function deliverInOrder(groups: string[][]): Promise<void> {
  await (await delivery()).deliverInOrder(groups);
}

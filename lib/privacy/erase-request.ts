// POST /api/privacy/erase's feature function, apart from admin.ts so that the export endpoint does
// not load the drain (and with it every step handler) at cold start.
import { deliverInOrder } from "../delivery/after.js";
import { runAfter } from "../platform/background.js";
import { kv } from "../platform/kv/index.js";
import { records, withPaceWait } from "../platform/records/index.js";
import type { PrivacyRequest } from "./admin.js";
import { requestErasure, stepId } from "./erase.js";

/**
 * Queue the erasure as outbox steps and deliver them after the response, part after part, without
 * waiting for the cron (locally there is none): the outbox payloads first, then kv, records and
 * Mailchimp, then the finishing step. A part that fails stays in the outbox with its backoff, and
 * the cron (or `npm run drain`) finishes it.
 */
export async function eraseOnRequest(input: PrivacyRequest): Promise<{ requestId: string }> {
  const { requestId } = await withPaceWait(10_000, async () =>
    requestErasure({ ...input, requestedBy: "api" }, { records: await records(), kv: await kv() }),
  );
  const part = (name: Parameters<typeof stepId>[1]) => stepId(requestId, name);
  runAfter("privacy.erase", () => deliverInOrder([[part("outbox")], [part("kv"), part("records"), part("mailchimp")], [part("finish")]]));
  return { requestId };
}

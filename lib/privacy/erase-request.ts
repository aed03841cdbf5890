// POST /api/privacy/erase's feature function, apart from admin.ts so that the export endpoint does
// not load the drain (and with it every step handler) at cold start.
import { drainSoon } from "../delivery/drain.js";
import { kv } from "../platform/kv/index.js";
import { records, withPaceWait } from "../platform/records/index.js";
import type { PrivacyRequest } from "./admin.js";
import { requestErasure } from "./erase.js";

/** Queue the erasure as outbox steps and start draining them after the response. */
export async function eraseOnRequest(input: PrivacyRequest): Promise<{ requestId: string }> {
  const { requestId } = await withPaceWait(10_000, async () =>
    requestErasure({ ...input, requestedBy: "api" }, { records: await records(), kv: await kv() }),
  );
  drainSoon();
  return { requestId };
}

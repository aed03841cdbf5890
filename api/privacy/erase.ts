// POST /api/privacy/erase — the operator erases a participant everywhere, through the outbox (bearer PRIVACY_ADMIN_TOKEN).
import { drainSoon } from "../../lib/drain.js";
import { handle } from "../../lib/http/handler.js";
import { parseWith, readJson } from "../../lib/http/body.js";
import { json } from "../../lib/http/respond.js";
import { kv } from "../../lib/kv/index.js";
import { authorizePrivacyAdmin, PrivacyRequestInput } from "../../lib/privacy/admin.js";
import { requestErasure } from "../../lib/privacy/erase.js";
import { records, withPaceWait } from "../../lib/records/index.js";

export async function POST(request: Request): Promise<Response> {
  return handle("privacy.erase", async () => {
    authorizePrivacyAdmin(request);
    const input = parseWith(PrivacyRequestInput, await readJson(request, 16 * 1024));
    const { requestId } = await withPaceWait(10_000, async () => requestErasure({ ...input, requestedBy: "api" }, { records: await records(), kv: await kv() }));
    drainSoon();
    return json({ status: "accepted", requestId }, { status: 202 });
  });
}

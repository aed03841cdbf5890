// POST /api/privacy/export — the operator exports everything held about a participant (bearer PRIVACY_ADMIN_TOKEN).
import { handle } from "../../lib/http/handler.js";
import { parseWith, readJson } from "../../lib/http/body.js";
import { json } from "../../lib/http/respond.js";
import { kv } from "../../lib/kv/index.js";
import { authorizePrivacyAdmin, PrivacyRequestInput } from "../../lib/privacy/admin.js";
import { exportParticipant } from "../../lib/privacy/export.js";
import { records, withPaceWait } from "../../lib/records/index.js";

export async function POST(request: Request): Promise<Response> {
  return handle("privacy.export", async () => {
    authorizePrivacyAdmin(request);
    const input = parseWith(PrivacyRequestInput, await readJson(request, 16 * 1024));
    // An operator's request may wait its turn in Airtable's pace rather than fail.
    return json(await withPaceWait(10_000, async () => exportParticipant({ ...input, requestedBy: "api" }, { records: await records(), kv: await kv() })));
  });
}

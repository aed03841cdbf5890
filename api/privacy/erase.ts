// POST /api/privacy/erase — the operator erases a participant everywhere, through the outbox (bearer PRIVACY_ADMIN_TOKEN).
import { handle } from "../../lib/platform/http/handler.js";
import { parseWith, readJson } from "../../lib/platform/http/body.js";
import { json } from "../../lib/platform/http/respond.js";
import { authorizePrivacyAdmin, PrivacyRequestInput } from "../../lib/privacy/admin.js";
import { eraseOnRequest } from "../../lib/privacy/erase-request.js";

export async function POST(request: Request): Promise<Response> {
  return handle("privacy.erase", async () => {
    authorizePrivacyAdmin(request);
    const input = parseWith(PrivacyRequestInput, await readJson(request, 16 * 1024));
    return json({ status: "accepted", ...(await eraseOnRequest(input)) }, { status: 202 });
  });
}

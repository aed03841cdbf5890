// POST /api/privacy/export — the operator exports everything held about a participant (bearer PRIVACY_ADMIN_TOKEN).
import { handle } from "../../lib/platform/http/handler.js";
import { parseWith, readJson } from "../../lib/platform/http/body.js";
import { json } from "../../lib/platform/http/respond.js";
import { authorizePrivacyAdmin, exportOnRequest, PrivacyRequestInput } from "../../lib/privacy/admin.js";

export async function POST(request: Request): Promise<Response> {
  return handle("privacy.export", async () => {
    authorizePrivacyAdmin(request);
    return json(await exportOnRequest(parseWith(PrivacyRequestInput, await readJson(request, 16 * 1024))));
  });
}

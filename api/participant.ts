// GET /api/participant — who the personal link in `Authorization: Bearer <token>` signs in, so the
// page can say so: { signedIn, healingName?, expiresAt?, auth }. No token: signedIn false. A link
// that is forged, expired or revoked: 401 saying which (failures are limited per IP).
import { clientIp, handle } from "../lib/platform/http/handler.js";
import { json } from "../lib/platform/http/respond.js";
import { kv } from "../lib/platform/kv/index.js";
import { authenticate } from "../lib/participants/auth.js";
import { authMode } from "../lib/participants/credentials.js";
import { records } from "../lib/platform/records/index.js";

export async function GET(request: Request): Promise<Response> {
  return handle("participant", async () => {
    const identity = await authenticate(request, { kv, records, ip: clientIp(request) });
    const auth = authMode();
    const body =
      identity.kind === "participant"
        ? { signedIn: true, healingName: identity.healingName, expiresAt: identity.expiresAt, auth }
        : { signedIn: false, auth };
    return json(body, { headers: { "cache-control": "no-store" } });
  });
}

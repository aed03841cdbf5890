// Typeform's webhook signature: `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>`
// under the webhook's secret. Typeform signs no timestamp, so deliveries are deduplicated by
// form_response.token (lib/intake/webhook.ts).
import { createHmac, timingSafeEqual } from "node:crypto";

export function verifyTypeformSignature(raw: string, header: string | null, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw, "utf8").digest("base64")}`);
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

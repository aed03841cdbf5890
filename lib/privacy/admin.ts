// The operator's privacy endpoints: `Authorization: Bearer $PRIVACY_ADMIN_TOKEN`, compared in
// constant time. Without the token set they answer 503 (never open by default).
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { defineConfig } from "../config/env.js";
import { ApiError } from "../http/errors.js";
import { healingNameSchema } from "../validation.js";

const config = defineConfig("privacy", z.object({ PRIVACY_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional() }));

export function authorizePrivacyAdmin(request: Request): void {
  const { PRIVACY_ADMIN_TOKEN } = config.load();
  if (!PRIVACY_ADMIN_TOKEN) throw new ApiError("not_configured", "Set PRIVACY_ADMIN_TOKEN to enable the privacy endpoints.");
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${PRIVACY_ADMIN_TOKEN}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ApiError("unauthorized", "Missing or wrong privacy admin token.");
}

export const PrivacyRequestInput = z.strictObject({
  healingName: healingNameSchema,
  email: z.email().transform((e) => e.toLowerCase()).optional(),
});

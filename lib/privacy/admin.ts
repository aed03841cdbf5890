// The operator's privacy endpoints: `Authorization: Bearer $PRIVACY_ADMIN_TOKEN`, compared in
// constant time. Without the token set they answer 503 (never open by default). What each endpoint
// does, short of HTTP: exportOnRequest (eraseOnRequest is in erase-request.ts).
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { defineConfig } from "../platform/config/env.js";
import { ApiError } from "../platform/http/errors.js";
import { healingNameSchema } from "../platform/validation.js";
import { kv } from "../platform/kv/index.js";
import { records, withPaceWait } from "../platform/records/index.js";
import { exportParticipant } from "./export.js";

const config = defineConfig("privacy", z.object({ PRIVACY_ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional() }));

export function authorizePrivacyAdmin(request: Request): void {
  const { PRIVACY_ADMIN_TOKEN } = config.load();
  if (!PRIVACY_ADMIN_TOKEN) throw new ApiError("not_configured", "Set PRIVACY_ADMIN_TOKEN to enable the privacy endpoints.");
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${PRIVACY_ADMIN_TOKEN}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new ApiError("unauthorized", "Missing or wrong privacy admin token.");
}

export const PrivacyRequestInput = z.strictObject({
  healingName: healingNameSchema,
  email: z
    .email()
    .transform((e) => e.toLowerCase())
    .optional(),
});

export type PrivacyRequest = z.infer<typeof PrivacyRequestInput>;

/** POST /api/privacy/export: everything held about a participant. An operator's request may wait its turn in Airtable's pace rather than fail. */
export async function exportOnRequest(input: PrivacyRequest): Promise<Awaited<ReturnType<typeof exportParticipant>>> {
  return withPaceWait(10_000, async () =>
    exportParticipant({ ...input, requestedBy: "api" }, { records: await records(), kv: await kv() }),
  );
}

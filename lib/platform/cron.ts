// Authorizes Vercel cron calls: `Authorization: Bearer $CRON_SECRET`. Without a secret the cron
// endpoints only answer outside Vercel (local runs), never on a deployment.
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { defineConfig } from "./config/env.js";
import { ApiError } from "./http/errors.js";

const config = defineConfig("cron", z.object({ CRON_SECRET: z.string().min(16).optional(), VERCEL: z.string().optional() }));

export function authorizeCron(request: Request): void {
  const { CRON_SECRET, VERCEL } = config.load();
  if (!CRON_SECRET) {
    if (VERCEL) throw new ApiError("not_configured", "Set CRON_SECRET to enable cron endpoints.");
    return;
  }
  const given = Buffer.from(request.headers.get("authorization") ?? "");
  const expected = Buffer.from(`Bearer ${CRON_SECRET}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError("unauthorized", "Missing or wrong cron authorization.");
  }
}

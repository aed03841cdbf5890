// GET /api/config — what the companion page needs from configuration: the consent sentence (with
// the real retention), the reflection milestones, the countries with crisis resources, text limits.
import { handle } from "../lib/platform/http/handler.js";
import { json } from "../lib/platform/http/respond.js";
import { pageConfig } from "../lib/page/config.js";

export async function GET(): Promise<Response> {
  return handle("config", async () => json(pageConfig()));
}

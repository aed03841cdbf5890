// POST /api/crisis — screen a message directly: level, categories, local resources, a safe reply.
// Accepts the chat body as it is (unknown keys ignored). The screen runs before the rate limiter,
// and every answer — a 429 or a refused body included — carries the resources for the person's country.
// GET /api/crisis?country=DE (or a name: ?country=Germany) — the crisis resources for a country.
import { resourcesAnswer, screenRequest } from "../lib/crisis/endpoint.js";
import { handle } from "../lib/platform/http/handler.js";
import { json } from "../lib/platform/http/respond.js";

export async function POST(request: Request): Promise<Response> {
  return handle("crisis", () => screenRequest(request));
}

export async function GET(request: Request): Promise<Response> {
  return handle("crisis.resources", async () => json(resourcesAnswer(request)));
}

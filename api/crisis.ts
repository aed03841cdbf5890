// POST /api/crisis — screen a message directly: level, categories, local resources, a safe reply.
// GET /api/crisis?country=XX — the crisis resources for a country.
import { z } from "zod";
import { newCrisisEvent } from "../lib/crisis-events.js";
import { reportCrisis } from "../lib/drain.js";
import { parseWith, readJson } from "../lib/http/body.js";
import { clientIp, handle } from "../lib/http/handler.js";
import { json } from "../lib/http/respond.js";
import { enforceLimit } from "../lib/ratelimit.js";
import { countrySchema, healingNameSchema, trimmedText } from "../lib/validation.js";
import { defaultCountry } from "../lib/safety/config.js";
import { isHardStop } from "../lib/safety/levels.js";
import { safeReply } from "../lib/safety/reply.js";
import { resolveCountry, resourcesFor } from "../lib/safety/resources.js";
import { screen } from "../lib/safety/screen.js";

const CrisisInput = z.strictObject({
  message: trimmedText(8000),
  history: z.array(z.string().max(8000)).max(20).optional(),
  country: countrySchema.optional(),
  healingName: healingNameSchema.optional(),
});

export async function POST(request: Request): Promise<Response> {
  return handle("crisis", async () => {
    const input = parseWith(CrisisInput, await readJson(request, 256 * 1024));
    const { level, categories } = screen(input.message, { history: input.history });
    const where = resolveCountry({ bodyCountry: input.country, headers: request.headers, defaultCountry: defaultCountry() });
    const resources = resourcesFor(where);
    // The screen runs before the limiter on purpose: a person at risk is never rate limited.
    if (isHardStop(level)) reportCrisis(newCrisisEvent({ level, categories, source: "crisis", country: where, healingName: input.healingName }));
    else await enforceLimit("crisis:ip", clientIp(request));
    return json({ level, categories, resources, response: safeReply({ level, categories, resources, healingName: input.healingName }) });
  });
}

export async function GET(request: Request): Promise<Response> {
  return handle("crisis.resources", async () => {
    const requested = new URL(request.url).searchParams.get("country") ?? undefined;
    const code = requested === undefined ? undefined : parseWith(countrySchema, requested);
    const where = resolveCountry({ bodyCountry: code, headers: request.headers, defaultCountry: defaultCountry() });
    return json({ country: where, resources: resourcesFor(where) });
  });
}

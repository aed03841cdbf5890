// POST /api/crisis — screen a message directly: level, categories, local resources, a safe reply.
// Accepts the chat body as it is (unknown keys ignored). The screen runs before the rate limiter,
// and every answer — a 429 or a refused body included — carries the resources for the person's country.
// GET /api/crisis?country=DE (or a name: ?country=Germany) — the crisis resources for a country.
import { runAfter } from "../lib/platform/background.js";
import type { CrisisEventPayload } from "../lib/crisis-events/crisis-events.js";
import { ApiError } from "../lib/platform/http/errors.js";
import { readJson } from "../lib/platform/http/body.js";
import { clientIp, handle } from "../lib/platform/http/handler.js";
import { json } from "../lib/platform/http/respond.js";
import { assessWithJudge, type Assessment } from "../lib/safety/assess.js";
import { defaultCountry } from "../lib/safety/config.js";
import { requireScreenable } from "../lib/safety/input.js";
import { countryFromParam, resolveCountry, resourcesFor } from "../lib/safety/resources.js";

/** The Crisis Event and alert, after the answer; the outbox and stores load only when one is needed. */
const report = (event: CrisisEventPayload) => runAfter("crisis.report", async () => (await import("../lib/delivery/drain.js")).reportCrisis(event));

const answer = (a: Assessment) => ({ level: a.level, categories: a.categories, decidedBy: a.decidedBy, resources: a.resources, response: a.reply });

export async function POST(request: Request): Promise<Response> {
  return handle("crisis", async () => {
    try {
      return await assessRequest(request);
    } catch (error) {
      // A body we cannot read still gets the resources for the caller's country.
      if (!(error instanceof ApiError)) throw error;
      const resources = resourcesFor(resolveCountry({ headers: request.headers, defaultCountry: defaultCountry() }));
      return json({ error: { code: error.code, message: error.message }, resources }, { status: error.status, headers: error.headers });
    }
  });
}

/** Screen the body, then rate limit what is not a hard stop. */
async function assessRequest(request: Request): Promise<Response> {
  const body = await readJson(request, 256 * 1024);
  const input = requireScreenable(body);
  // The judge and the rate limiter load only when they can be used: the crisis path stays the lightest cold start.
  const judge = process.env.OPENAI_API_KEY?.trim() ? (await import("../lib/safety/judge.js")).judgeOpinion() : undefined;
  const assessment = await assessWithJudge({ ...input, source: "crisis", headers: request.headers, clientIp: clientIp(request) }, { report, judge });
  // A person at risk is never rate limited; anyone else still gets the resources with the 429.
  if (!assessment.hardStop) {
    try {
      const { enforceLimit } = await import("../lib/platform/ratelimit.js");
      await enforceLimit("crisis:ip", clientIp(request));
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "rate_limited") throw error;
      return json({ error: { code: error.code, message: error.message }, ...answer(assessment) }, { status: 429, headers: error.headers });
    }
  }
  return json(answer(assessment));
}

export async function GET(request: Request): Promise<Response> {
  return handle("crisis.resources", async () => {
    const requested = new URL(request.url).searchParams.get("country") ?? undefined;
    const code = requested === undefined ? undefined : countryFromParam(requested);
    if (requested !== undefined && !code) {
      throw new ApiError("bad_request", "The 'country' query parameter must be a two-letter country code (such as DE) or a country name in English (such as Germany).");
    }
    const where = resolveCountry({ bodyCountry: code, headers: request.headers, defaultCountry: defaultCountry() });
    return json({ country: where, resources: resourcesFor(where) });
  });
}

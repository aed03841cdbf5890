// The crisis endpoint's behaviour: screen a message directly (level, categories, local resources,
// a safe reply), and look up a country's resources. The screen runs before the rate limiter, and
// every answer — a 429 or a refused body included — carries the resources for the person's
// country. This module is on the crisis path: it loads no vendor SDK, no validation library and
// no store at import time (tests/safety/crisis-path.test.ts); the judge, the limiter and the outbox
// load only when they are used.
import { reportCrisis } from "../delivery/after.js";
import { envValue } from "../platform/config/env-core.js";
import { ApiError } from "../platform/http/errors.js";
import { readJson } from "../platform/http/body.js";
import { clientIp } from "../platform/http/handler.js";
import { json } from "../platform/http/respond.js";
import { assessWithJudge, type Assessment } from "../safety/assess.js";
import { defaultCountry } from "../safety/config.js";
import { requireScreenable } from "../safety/input.js";
import { countryFromParam, resolveCountry, resourcesFor } from "../safety/resources.js";

const answer = (a: Assessment) => ({
  level: a.level,
  categories: a.categories,
  decidedBy: a.decidedBy,
  resources: a.resources,
  response: a.reply,
});

/** POST: the screen's answer; a body that cannot be read still gets the resources for the caller's country. */
export async function screenRequest(request: Request): Promise<Response> {
  try {
    return await assessRequest(request);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const resources = resourcesFor(resolveCountry({ headers: request.headers, defaultCountry: defaultCountry() }));
    return json({ error: { code: error.code, message: error.message }, resources }, { status: error.status, headers: error.headers });
  }
}

/** Screen the body, then rate limit what is not a hard stop. */
async function assessRequest(request: Request): Promise<Response> {
  const body = await readJson(request, 256 * 1024);
  const input = requireScreenable(body);
  // The judge and the rate limiter load only when they can be used: the crisis path stays the lightest cold start.
  const judge = envValue("OPENAI_API_KEY") ? (await import("../safety/judge.js")).judgeOpinion() : undefined;
  const assessment = await assessWithJudge(
    { ...input, source: "crisis", headers: request.headers, clientIp: clientIp(request) },
    { report: reportCrisis, judge },
  );
  // A person at risk is never rate limited; anyone else still gets the resources with the 429.
  if (!assessment.hardStop) {
    try {
      const { enforceLimit } = await import("../platform/ratelimit.js");
      await enforceLimit("crisis:ip", clientIp(request));
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "rate_limited") throw error;
      return json({ error: { code: error.code, message: error.message }, ...answer(assessment) }, { status: 429, headers: error.headers });
    }
  }
  return json(answer(assessment));
}

/** GET: the resources for `?country=` (a code or an English name), else for the caller's country. */
export function resourcesAnswer(request: Request): { country: string; resources: ReturnType<typeof resourcesFor> } {
  const requested = new URL(request.url).searchParams.get("country") ?? undefined;
  const code = requested === undefined ? undefined : countryFromParam(requested);
  if (requested !== undefined && !code) {
    throw new ApiError(
      "bad_request",
      "The 'country' query parameter must be a two-letter country code (such as DE) or a country name in English (such as Germany).",
    );
  }
  const where = resolveCountry({ bodyCountry: code, headers: request.headers, defaultCountry: defaultCountry() });
  return { country: where, resources: resourcesFor(where) };
}

// The reflection endpoint's behaviour: assess the text first, before validation of the other
// fields, the rate limiter or any store. At any level it is still saved (the person asked for
// that); at high or imminent the answer carries crisis resources and a safe reply whatever else
// happens, and a Crisis Event is recorded. Whatever fails, the answer says so plainly, never a 500.
import { ConfigError } from "../platform/config/env.js";
import { drainSoon, reportCrisis } from "../delivery/after.js";
import { ApiError, errorBody } from "../platform/http/errors.js";
import { parseWith, readJson } from "../platform/http/body.js";
import { clientIp } from "../platform/http/handler.js";
import { json } from "../platform/http/respond.js";
import { kv } from "../platform/kv/index.js";
import { enforceLimit } from "../platform/ratelimit.js";
import { records } from "../platform/records/index.js";
import { ReflectionInput, submitReflection } from "./reflections.js";
import { assess, safetyView, type Assessment } from "../safety/assess.js";
import { screenable } from "../safety/input.js";
import { levelRank } from "../safety/levels.js";
import { emitMilestone } from "../journeys/journeys.js";
import { authorName } from "../participants/auth.js";

// 20,000 characters of text can be 80 KB of UTF-8, more once JSON-escaped.
const BODY_LIMIT = 256 * 1024;

/** The safety block of an answer: resources from medium up, and the safe reply at a hard stop. */
const safetyOf = (a: Assessment) => ({ ...safetyView(a), ...(a.hardStop ? { response: a.reply } : {}) });

export async function fileReflection(request: Request): Promise<Response> {
  const body = await readJson(request, BODY_LIMIT);
  const text = screenable(body, "reflection");
  const assessment = text
    ? assess(
        { ...text, history: [], source: "reflection", headers: request.headers, clientIp: clientIp(request) },
        { report: reportCrisis },
      )
    : null;
  try {
    const parsed = parseWith(ReflectionInput, body);
    const a = assessment!;
    // Filed under a name only with that participant's link (PARTICIPANT_AUTH=required): else 401, nothing written.
    const input = { ...parsed, healingName: await authorName(request, parsed.healingName, { kv, records, ip: clientIp(request) }) };
    if (!a.hardStop) await enforceLimit("reflection:ip", clientIp(request));
    // The milestone journey is queued first: if kv cannot take it, nothing is saved and the answer is 503.
    if (input.milestone) await emitMilestone(kv, { healingName: input.healingName, milestone: input.milestone });
    const outcome = await submitReflection(input, { records, kv, crisisLevel: a.level });
    drainSoon();
    return outcome.status === "stored"
      ? json({ status: "success", id: outcome.id, recordId: outcome.recordId, safety: safetyOf(a) }, { status: 201 })
      : json({ status: "accepted", id: outcome.id, safety: safetyOf(a) }, { status: 202 });
  } catch (error) {
    // Whatever failed — validation, the limiter, every store — the answer says so plainly, never
    // a 500, and still carries the screen's answer: a person at risk gets the crisis resources.
    if (!assessment) throw error;
    const failure =
      error instanceof ConfigError
        ? {
            status: 503,
            headers: {},
            body: errorBody("not_configured", `This feature is not configured correctly (${error.variables.join(", ")}).`),
          }
        : error instanceof ApiError
          ? { status: error.status, headers: error.headers, body: errorBody(error.code, error.message) }
          : {
              status: 503,
              headers: { "retry-after": "60" },
              body: errorBody(
                "service_unavailable",
                "Your reflection could not be saved right now and nothing was stored. Please try again in a minute.",
              ),
            };
    const safety = levelRank(assessment.level) >= levelRank("medium") ? { safety: safetyOf(assessment) } : {};
    return json({ ...failure.body, ...safety }, { status: failure.status, headers: failure.headers });
  }
}

// POST /api/reflection — store a milestone reflection, linked to the participant by Healing Name.
// It is assessed first, before validation of the other fields, the rate limiter or any store: at
// any level it is still saved (the person asked for that); at high or imminent the answer carries
// crisis resources and a safe reply, whatever else happens, and a Crisis Event is recorded.
import { ConfigError } from "../lib/platform/config/env.js";
import { reportCrisis, drainSoon } from "../lib/delivery/drain.js";
import { ApiError, errorBody } from "../lib/platform/http/errors.js";
import { parseWith, readJson } from "../lib/platform/http/body.js";
import { clientIp, handle } from "../lib/platform/http/handler.js";
import { json } from "../lib/platform/http/respond.js";
import { kv } from "../lib/platform/kv/index.js";
import { enforceLimit } from "../lib/platform/ratelimit.js";
import { records } from "../lib/platform/records/index.js";
import { ReflectionInput, submitReflection } from "../lib/reflections/reflections.js";
import { assess, safetyView, type Assessment } from "../lib/safety/assess.js";
import { screenable } from "../lib/safety/input.js";
import { levelRank } from "../lib/safety/levels.js";
import { emitMilestone } from "../lib/journeys/journeys.js";
import { authorName } from "../lib/participants/auth.js";

// 20,000 characters of text can be 80 KB of UTF-8, more once JSON-escaped.
const BODY_LIMIT = 256 * 1024;

/** The safety block of an answer: resources from medium up, and the safe reply at a hard stop. */
const safetyOf = (a: Assessment) => ({ ...safetyView(a), ...(a.hardStop ? { response: a.reply } : {}) });

export async function POST(request: Request): Promise<Response> {
  return handle("reflection", async () => {
    const body = await readJson(request, BODY_LIMIT);
    const text = screenable(body, "reflection");
    const assessment = text ? assess({ ...text, history: [], source: "reflection", headers: request.headers, clientIp: clientIp(request) }, { report: reportCrisis }) : null;
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
          ? { status: 503, headers: {}, body: errorBody("not_configured", `This feature is not configured correctly (${error.variables.join(", ")}).`) }
          : error instanceof ApiError
          ? { status: error.status, headers: error.headers, body: errorBody(error.code, error.message) }
          : { status: 503, headers: { "retry-after": "60" }, body: errorBody("service_unavailable", "Your reflection could not be saved right now and nothing was stored. Please try again in a minute.") };
      const safety = levelRank(assessment.level) >= levelRank("medium") ? { safety: safetyOf(assessment) } : {};
      return json({ ...failure.body, ...safety }, { status: failure.status, headers: failure.headers });
    }
  });
}

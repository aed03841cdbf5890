// POST /api/reflection — store a milestone reflection, linked to the participant by Healing Name.
// It is screened first: at any level it is still saved (the person asked for that); at high or
// imminent the answer carries crisis resources and a Crisis Event is recorded for the operator.
import { newCrisisEvent } from "../lib/crisis-events.js";
import { drainSoon, reportCrisis } from "../lib/drain.js";
import { parseWith, readJson } from "../lib/http/body.js";
import { clientIp, handle } from "../lib/http/handler.js";
import { json } from "../lib/http/respond.js";
import { kv } from "../lib/kv/index.js";
import { enforceLimit } from "../lib/ratelimit.js";
import { records } from "../lib/records/index.js";
import { ReflectionInput, submitReflection } from "../lib/reflections.js";
import { defaultCountry } from "../lib/safety/config.js";
import { isHardStop, levelRank } from "../lib/safety/levels.js";
import { resolveCountry, resourcesFor } from "../lib/safety/resources.js";
import { screen } from "../lib/safety/screen.js";
import { emitMilestone } from "../lib/journeys.js";

// 20,000 characters of text can be 80 KB of UTF-8, more once JSON-escaped.
const BODY_LIMIT = 256 * 1024;

export async function POST(request: Request): Promise<Response> {
  return handle("reflection", async () => {
    const input = parseWith(ReflectionInput, await readJson(request, BODY_LIMIT));
    await enforceLimit("reflection:ip", clientIp(request));
    const { level, categories } = screen(input.reflection);
    const country = resolveCountry({ bodyCountry: input.country, headers: request.headers, defaultCountry: defaultCountry() });
    const outcome = await submitReflection(input, { records, kv, crisisLevel: level });
    if (isHardStop(level)) reportCrisis(newCrisisEvent({ level, categories, source: "reflection", country, healingName: input.healingName }));
    if (input.milestone) await emitMilestone(kv, { healingName: input.healingName, milestone: input.milestone });
    drainSoon();
    const safety = levelRank(level) >= levelRank("medium") ? { level, categories, resources: resourcesFor(country) } : { level, categories };
    return outcome.status === "stored"
      ? json({ status: "success", id: outcome.id, recordId: outcome.recordId, safety }, { status: 201 })
      : json({ status: "accepted", id: outcome.id, safety }, { status: 202 });
  });
}

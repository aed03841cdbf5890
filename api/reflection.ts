// POST /api/reflection — store a milestone reflection, linked to the participant by Healing Name.
import { drainSoon } from "../lib/drain.js";
import { parseWith, readJson } from "../lib/http/body.js";
import { clientIp, handle } from "../lib/http/handler.js";
import { json } from "../lib/http/respond.js";
import { kv } from "../lib/kv/index.js";
import { enforceLimit } from "../lib/ratelimit.js";
import { records } from "../lib/records/index.js";
import { ReflectionInput, submitReflection } from "../lib/reflections.js";

// 20,000 characters of text can be 80 KB of UTF-8, more once JSON-escaped.
const BODY_LIMIT = 256 * 1024;

export async function POST(request: Request): Promise<Response> {
  return handle("reflection", async () => {
    const input = parseWith(ReflectionInput, await readJson(request, BODY_LIMIT));
    await enforceLimit("reflection:ip", clientIp(request));
    // Crisis screen seam: the issue "Companion chat and the crisis safety layer" screens
    // input.reflection here, passes the level to submitReflection and adds `safety` to the answer.
    const outcome = await submitReflection(input, { records, kv });
    drainSoon();
    return outcome.status === "stored"
      ? json({ status: "success", id: outcome.id, recordId: outcome.recordId }, { status: 201 })
      : json({ status: "accepted", id: outcome.id }, { status: 202 });
  });
}

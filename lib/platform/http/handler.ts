// The one place that turns a thrown error into a response. Handlers throw; nothing else catches
// broadly. Unknown errors become a generic 500 (the cause is logged by name, never sent).
import { ConfigError } from "../config/env-core.js";
import { KvError } from "../kv/types.js";
import { describeError, log } from "../log.js";
import { RecordsError } from "../records/types.js";
import { ApiError, errorBody } from "./errors.js";
import { json } from "./respond.js";

/** Run an endpoint's work; any thrown error becomes the JSON error response. */
export async function handle(name: string, work: () => Promise<Response>): Promise<Response> {
  const started = performance.now();
  try {
    const response = await work();
    log.info("request", { route: name, status: response.status, ms: elapsed(started) });
    return response;
  } catch (error) {
    const response = toResponse(error);
    const fields = { route: name, status: response.status, ms: elapsed(started) };
    // A feature switched off on purpose (no token set, say) answers 503 but is no failure to page on.
    if (error instanceof ApiError && error.code === "not_configured") log.warn("request.not_configured", { ...fields, code: error.code });
    else if (response.status >= 500) log.error("request.failed", { ...fields, ...describeError(error) });
    else log.info("request", { ...fields, code: error instanceof ApiError ? error.code : undefined });
    return response;
  }
}

export function toResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    return json(errorBody(error.code, error.message), { status: error.status, headers: error.headers });
  }
  if (error instanceof ConfigError) {
    // The variable names help the operator; the values are never echoed.
    return json(errorBody("not_configured", `This feature is not configured correctly (${error.variables.join(", ")}).`), {
      status: 503,
    });
  }
  if (error instanceof KvError || (error instanceof RecordsError && error.transient)) {
    // A store outage that reached the edge is not a bug: say so, and when to come back.
    return json(errorBody("service_unavailable", "Storage is unreachable right now; nothing was changed. Please retry shortly."), {
      status: 503,
      headers: { "retry-after": "30" },
    });
  }
  return json(errorBody("internal_error", "Something went wrong on our side. Please try again."), { status: 500 });
}

/** 405 with `Allow`, for runtimes that route a method the file does not export. */
export function methodNotAllowed(allowed: string[]): Response {
  return json(errorBody("method_not_allowed", `Use ${allowed.join(" or ")} for this endpoint.`), {
    status: 405,
    headers: { allow: allowed.join(", ") },
  });
}

/** The caller's IP as Vercel reports it; "unknown" groups callers without one. */
export function clientIp(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip")?.trim() || "unknown";
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

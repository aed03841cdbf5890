// Who is acting: `Authorization: Bearer <token from the personal link>` identifies a participant.
// The handlers ask one question — may this request act under this Healing Name? — and get the
// name to act under, or none (anonymous), or a clear 401/403/429. Failed attempts are counted per
// IP and stop being checked at all past the limit, so guessing is pointless as well as hopeless.
// Error messages never contain the token.
import { ConfigError } from "../platform/config/env.js";
import { ApiError } from "../platform/http/errors.js";
import { hashKey, type Kv } from "../platform/kv/index.js";
import { describeError, log } from "../platform/log.js";
import type { RecordsStore } from "../platform/records/index.js";
import { within } from "../platform/timeout.js";
import { authMode, currentHolder, verifyToken } from "./credentials.js";

/** Failed credential checks per IP: after 10 in 10 minutes, tokens from that address are refused unread. */
export const AUTH_FAILURE_POLICY = { limit: 10, windowSeconds: 600 } as const;
const LOOKUP_BUDGET_MS = 1500;
const COUNTER_BUDGET_MS = 200;

export const GET_A_LINK = "Open the personal link from your welcome email, or ask the program team for a new one.";

export type Identity = { kind: "anonymous" } | { kind: "participant"; healingName: string; recordId: string; expiresAt: string };

export interface AuthContext {
  kv: () => Promise<Kv>;
  records: () => Promise<RecordsStore>;
  ip: string;
}

/** The bearer token of a request; null without an Authorization header. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header === null) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  if (!match) throw unauthorized(`Send your link's token as "Authorization: Bearer <token>". ${GET_A_LINK}`);
  return match[1]!;
}

function unauthorized(message: string): ApiError {
  return new ApiError("unauthorized", message, { "www-authenticate": 'Bearer realm="participant"' });
}

const failureKey = (ip: string, bucket: number) => `auth-fail:${hashKey(ip)}:${bucket}`;

async function failuresSoFar(store: Kv | null, ip: string, now: number): Promise<number> {
  if (!store) return 0;
  const bucket = Math.floor(now / (AUTH_FAILURE_POLICY.windowSeconds * 1000));
  const count = await within(store.get(failureKey(ip, bucket)), COUNTER_BUDGET_MS, () => null).catch(() => null);
  return Number(count ?? 0);
}

async function countFailure(store: Kv | null, ip: string, now: number): Promise<void> {
  if (!store) return;
  const bucket = Math.floor(now / (AUTH_FAILURE_POLICY.windowSeconds * 1000));
  await within(
    store.increment(failureKey(ip, bucket), { ttlSeconds: AUTH_FAILURE_POLICY.windowSeconds }),
    COUNTER_BUDGET_MS,
    () => 0,
  ).catch(() => 0);
}

function tooManyFailures(now: number): ApiError {
  const windowMs = AUTH_FAILURE_POLICY.windowSeconds * 1000;
  const retryAfter = Math.max(1, Math.ceil(((Math.floor(now / windowMs) + 1) * windowMs - now) / 1000));
  return new ApiError(
    "rate_limited",
    `Too many attempts with links that are not valid. Try again in ${Math.ceil(retryAfter / 60)} minutes. ${GET_A_LINK}`,
    {
      "retry-after": String(retryAfter),
    },
  );
}

/**
 * The participant a request's token names, or anonymous without a token. A token that is forged,
 * expired or revoked is a 401 that says which; the store lookup failing is a 503.
 */
export async function authenticate(request: Request, ctx: AuthContext): Promise<Identity> {
  const token = bearerToken(request);
  if (token === null) return { kind: "anonymous" };
  const now = Date.now();
  const store = await ctx.kv().catch(() => null);
  if ((await failuresSoFar(store, ctx.ip, now)) >= AUTH_FAILURE_POLICY.limit) throw tooManyFailures(now);

  const fail = async (reason: string, message: string): Promise<never> => {
    log.info("participant.auth_failed", { reason });
    await countFailure(store, ctx.ip, now);
    throw unauthorized(message);
  };

  const check = await verifyToken(token);
  if (!check.ok) {
    return check.reason === "expired"
      ? fail("expired", `This personal link has expired. ${GET_A_LINK}`)
      : fail("invalid", `This personal link is not valid. ${GET_A_LINK}`);
  }
  const holder = await within(currentHolder({ records: ctx.records, kv: store }, check.claims.recordId), LOOKUP_BUDGET_MS, () => {
    throw new Error("timeout");
  }).catch((error: unknown) => {
    log.warn("participant.lookup_unavailable", describeError(error));
    throw new ApiError(
      "service_unavailable",
      "Your link could not be checked right now; nothing was changed. Please try again in a minute.",
      { "retry-after": "30" },
    );
  });
  if (!holder || holder.version !== check.claims.version) {
    return fail(
      "revoked",
      `This personal link is no longer valid: a newer link was issued, or the participant's data was erased. ${GET_A_LINK}`,
    );
  }
  return { kind: "participant", healingName: holder.healingName, recordId: check.claims.recordId, expiresAt: check.claims.expiresAt };
}

/** Same participant? Healing Names compare without regard to case or accents. */
export function sameName(a: string, b: string): boolean {
  const fold = (s: string) =>
    s
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .trim()
      .toLocaleLowerCase("en");
  return fold(a) === fold(b);
}

/**
 * The Healing Name a request may act under. With a token: the token's participant (a body naming
 * someone else is a 403). Without: the claimed name when PARTICIPANT_AUTH is optional; when it is
 * required, nothing — `anonymous` for chat (answered, nothing stored under a name), 401 for the
 * rest.
 */
export async function actingName(
  request: Request,
  claimed: string | undefined,
  ctx: AuthContext & { withoutToken: "anonymous" | "refuse" },
): Promise<string | undefined> {
  const identity = await authenticate(request, ctx);
  if (identity.kind === "participant") {
    if (claimed !== undefined && !sameName(claimed, identity.healingName)) {
      throw new ApiError("forbidden", "This personal link belongs to a different Healing Name. Use your own link, or leave the name out.");
    }
    return identity.healingName;
  }
  if (authMode() === "optional") return claimed;
  if (claimed === undefined || ctx.withoutToken === "anonymous") return undefined;
  throw unauthorized(`Acting under a Healing Name needs your personal link. ${GET_A_LINK}`);
}

/**
 * A chat turn's input as this request may send it. Without a valid identity in `required` mode the
 * turn is anonymous: no name (so no consent change and no plan allowance spent), and nothing
 * stored (consent can only withdraw). If the link cannot be checked for an outage, the turn is
 * answered anonymously too: a reply matters more than storing it.
 */
export async function chatAs<T extends { healingName?: string; consent?: boolean }>(
  request: Request,
  input: T,
  ctx: AuthContext,
): Promise<T> {
  let name: string | undefined;
  try {
    name = await actingName(request, input.healingName, { ...ctx, withoutToken: "anonymous" });
  } catch (error) {
    // The link cannot be checked (an outage, or no PARTICIPANT_SECRET): answer, anonymously.
    if (!(error instanceof ConfigError) && !(error instanceof ApiError && error.code === "service_unavailable")) throw error;
    log.warn("participant.unchecked", describeError(error));
    name = undefined;
  }
  if (name !== undefined) return { ...input, healingName: name };
  if (authMode() === "optional" && bearerToken(request) === null) return input;
  return { ...input, healingName: undefined, consent: input.consent === false ? false : undefined };
}

/** Identity codes a crisis message is answered through anyway. */
export const IDENTITY_ERROR_CODES: ReadonlySet<string> = new Set(["unauthorized", "forbidden", "rate_limited"]);

/** The name a reflection (or any write under a name) is filed under: a 401 when it may not be. */
export async function authorName(request: Request, claimed: string | undefined, ctx: AuthContext): Promise<string> {
  // Locally (optional mode) and with no link at all, a missing name is a plain input error.
  if (claimed === undefined && bearerToken(request) === null && authMode() === "optional") {
    throw new ApiError(
      "unprocessable_entity",
      "Invalid request body — healingName: required (or send your personal link as a Bearer token)",
    );
  }
  const name = await actingName(request, claimed, { ...ctx, withoutToken: "refuse" });
  if (name === undefined) throw unauthorized(`Acting under a Healing Name needs your personal link. ${GET_A_LINK}`);
  return name;
}

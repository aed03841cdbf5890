// Participant credentials: a personal link `PUBLIC_BASE_URL/?p=<token>` proves who someone is.
// The token is a JWT (HS256 under PARTICIPANT_SECRET, with a key id so the secret can rotate)
// naming the participant's Users record and the record's current "Link Version". Re-issuing a
// link or erasing the participant changes or removes that version, so every earlier token is
// refused at once. Signed rather than opaque: a link can be minted again (a journey step that
// retries, a second email) without revoking the one already sent, and a forged or expired token
// is refused without a store lookup. The token itself is never stored, logged or sent to Airtable.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConfigError, defineConfig, intFromEnv } from "../platform/config/env.js";
import { deps } from "../platform/deps.js";
import { hashKey, type Kv } from "../platform/kv/index.js";
import { RecordsError, type RecordsStore } from "../platform/records/index.js";
import { userIdOf } from "./repository.js";

/** The Users field holding the version every valid token must carry. */
export const LINK_VERSION_FIELD = "Link Version";
const AUDIENCE = "healing-companion:participant";
const CACHE_TTL_SECONDS = 300;
/** Longest token accepted for parsing; ours are ~200 characters. */
export const MAX_TOKEN_LENGTH = 1024;

export const participantConfig = defineConfig(
  "participants",
  z
    .object({
      PARTICIPANT_AUTH: z.enum(["required", "optional"]).optional(),
      PARTICIPANT_SECRET: z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -base64 32`)").optional(),
      PARTICIPANT_SECRET_PREVIOUS: z.string().min(32, "must be at least 32 characters").optional(),
      PARTICIPANT_LINK_TTL_DAYS: intFromEnv(180, { max: 730 }),
      PUBLIC_BASE_URL: z.url().optional(),
      VERCEL: z.string().optional(),
      VERCEL_PROJECT_PRODUCTION_URL: z.string().optional(),
      PORT: z.string().optional(),
      DATA_DIR: z.string().optional(),
    })
    .transform((env) => ({
      ...env,
      // `required` on Vercel, `optional` locally: the same convention as the webhook secrets.
      mode: env.PARTICIPANT_AUTH ?? (env.VERCEL ? "required" : "optional"),
    })),
);

export type AuthMode = "required" | "optional";

export function authMode(): AuthMode {
  return participantConfig.load().mode;
}

/** Where personal links point: PUBLIC_BASE_URL, else Vercel's production domain, else the local runner. */
export function linkBaseUrl(): string {
  const env = participantConfig.load();
  if (env.PUBLIC_BASE_URL) return env.PUBLIC_BASE_URL.replace(/\/+$/, "");
  if (env.VERCEL_PROJECT_PRODUCTION_URL) return `https://${env.VERCEL_PROJECT_PRODUCTION_URL.replace(/\/+$/, "")}`;
  return `http://localhost:${env.PORT ?? "3000"}`;
}

export function personalLink(token: string): string {
  return `${linkBaseUrl()}/?p=${token}`;
}

interface SigningKey {
  kid: string;
  key: Uint8Array;
}

// The signing keys, derived once per deps from the configured secrets.
const SIGNING_KEYS = {};

const keyOf = (secret: string): SigningKey => ({
  // The key id names the secret without revealing it, so a rotated-out secret can still verify.
  kid: createHash("sha256").update(`kid:${secret}`).digest("hex").slice(0, 12),
  key: new TextEncoder().encode(secret),
});

/**
 * Locally, without PARTICIPANT_SECRET, a random secret is made once and kept beside the embedded
 * stores (DATA_DIR), so `npm start` and `npm run participant:link` agree and links survive a
 * restart. On Vercel the secret must be set: /tmp is not shared between instances.
 */
function localSecret(dataDir: string | undefined): string {
  const dir = dataDir ?? ".data";
  if (dir === ":memory:") return randomBytes(32).toString("base64url");
  const file = path.resolve(dir, "participant-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    return readFileSync(file, "utf8").trim();
  }
}

function signingKeys(): { current: SigningKey; all: Map<string, SigningKey> } {
  return deps().once(SIGNING_KEYS, deriveSigningKeys);
}

function deriveSigningKeys(): { current: SigningKey; all: Map<string, SigningKey> } {
  const env = participantConfig.load();
  let secret = env.PARTICIPANT_SECRET;
  if (!secret) {
    if (env.VERCEL)
      throw new ConfigError("participants", ["PARTICIPANT_SECRET"], "PARTICIPANT_SECRET: is required on Vercel to sign personal links");
    secret = localSecret(env.DATA_DIR);
  }
  const current = keyOf(secret);
  const all = new Map([[current.kid, current]]);
  if (env.PARTICIPANT_SECRET_PREVIOUS) {
    const previous = keyOf(env.PARTICIPANT_SECRET_PREVIOUS);
    all.set(previous.kid, previous);
  }
  return { current, all };
}

export interface TokenClaims {
  recordId: string;
  version: string;
  expiresAt: string;
}

/** Sign a token for a Users record at its current link version. */
export async function signToken(input: {
  recordId: string;
  version: string;
  ttlDays?: number;
}): Promise<{ token: string; expiresAt: string }> {
  const { SignJWT } = await import("jose");
  const { current } = signingKeys();
  const ttlDays = input.ttlDays ?? participantConfig.load().PARTICIPANT_LINK_TTL_DAYS;
  const exp = Math.floor(Date.now() / 1000) + ttlDays * 86_400;
  const token = await new SignJWT({ ver: input.version })
    .setProtectedHeader({ alg: "HS256", kid: current.kid, typ: "JWT" })
    .setSubject(input.recordId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(current.key);
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: "invalid" | "expired" };

const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Check a token's signature (HMAC compared in constant time by the WebCrypto verify jose uses),
 * algorithm, audience and expiry. No store is read: forgeries cost nothing to refuse.
 */
export async function verifyToken(token: string): Promise<TokenCheck> {
  if (token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) return { ok: false, reason: "invalid" };
  const { jwtVerify, errors } = await import("jose");
  const { all } = signingKeys();
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = typeof header.kid === "string" ? all.get(header.kid) : undefined;
        if (!key) throw new errors.JWSSignatureVerificationFailed();
        return key.key;
      },
      { algorithms: ["HS256"], audience: AUDIENCE, requiredClaims: ["sub", "exp"] },
    );
    if (typeof payload.sub !== "string" || typeof payload.ver !== "string" || typeof payload.exp !== "number")
      return { ok: false, reason: "invalid" };
    return { ok: true, claims: { recordId: payload.sub, version: payload.ver, expiresAt: new Date(payload.exp * 1000).toISOString() } };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? "expired" : "invalid" };
  }
}

interface Holder {
  healingName: string;
  version: string | null;
}

const cacheKey = (recordId: string) => `participant:${hashKey(recordId)}`;

/** The kv key of a participant's cached link holder (erasure deletes it with the record). */
export const participantCacheKey = cacheKey;

/**
 * The Healing Name and link version a Users record holds now (cached in kv for 5 minutes;
 * re-issue and revocation clear the cache). null when the record is gone.
 */
export async function currentHolder(
  ctx: { records: () => Promise<RecordsStore>; kv: Kv | null },
  recordId: string,
): Promise<Holder | null> {
  const cached = await ctx.kv?.get(cacheKey(recordId)).catch(() => null);
  if (cached) return JSON.parse(cached) as Holder | null;
  let holder: Holder | null = null;
  try {
    const record = await (await ctx.records()).get("Users", recordId);
    const name = record?.fields["Healing Name"];
    if (record && typeof name === "string" && name) {
      const version = record.fields[LINK_VERSION_FIELD];
      holder = { healingName: name, version: typeof version === "string" && version ? version : null };
    }
  } catch (error) {
    // A malformed id is simply no participant; outages propagate.
    if (!(error instanceof RecordsError) || error.transient) throw error;
  }
  await ctx.kv?.set(cacheKey(recordId), JSON.stringify(holder), { ttlSeconds: CACHE_TTL_SECONDS }).catch(() => undefined);
  return holder;
}

const newVersion = () => randomBytes(16).toString("base64url");

export interface IssuedLink {
  healingName: string;
  recordId: string;
  link: string;
  token: string;
  expiresAt: string;
}

/**
 * A personal link for a participant. `reissue` gives the record a new link version first, so every
 * earlier link stops working; otherwise the current version is kept (set on first use), so minting
 * again never revokes a link already sent. `create` makes a Users record holding only the name
 * when none exists (the welcome journey may run before the intake's own write).
 */
export async function issueLink(
  ctx: { records: RecordsStore; kv: Kv | null },
  input: { healingName: string; reissue?: boolean; create?: boolean },
): Promise<IssuedLink | null> {
  const recordId = await userIdOf(input.healingName, ctx, { create: input.create ?? false });
  if (!recordId) return null;
  const record = await ctx.records.get("Users", recordId);
  if (!record) return null;
  let version = record.fields[LINK_VERSION_FIELD];
  if (input.reissue || typeof version !== "string" || !version) {
    version = newVersion();
    await ctx.records.update("Users", [{ id: recordId, fields: { [LINK_VERSION_FIELD]: version } }]);
    await ctx.kv?.delete(cacheKey(recordId)).catch(() => 0);
  }
  const { token, expiresAt } = await signToken({ recordId, version: version as string });
  return { healingName: String(record.fields["Healing Name"]), recordId, link: personalLink(token), token, expiresAt };
}

/**
 * Make every token issued so far for this participant invalid: the record gets a new link version
 * and the verification cache is cleared. For erasure (call it before deleting or anonymising the
 * Users record, so no cached verification outlives it) and for re-issue. Returns whether a
 * participant was found.
 */
export async function revokeParticipantTokens(
  ctx: { records: RecordsStore; kv: Kv | null },
  who: { healingName: string } | { recordId: string },
): Promise<boolean> {
  const recordId = "recordId" in who ? who.recordId : await userIdOf(who.healingName, ctx, { create: false });
  if (!recordId) return false;
  await ctx.kv?.delete(cacheKey(recordId)).catch(() => 0);
  const record = await ctx.records.get("Users", recordId).catch((error: unknown) => {
    if (error instanceof RecordsError && !error.transient) return null;
    throw error;
  });
  if (!record) return false;
  await ctx.records.update("Users", [{ id: recordId, fields: { [LINK_VERSION_FIELD]: newVersion() } }]);
  return true;
}

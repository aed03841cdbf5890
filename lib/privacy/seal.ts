// Encryption at rest for conversation text: AES-256-GCM (node:crypto), a fresh 96-bit IV per value,
// the kv key as associated data (a value copied under another key does not open), and in front the
// id of the key that sealed it, so keys can rotate: the current key seals, every known key opens.
// Keys come from DATA_ENCRYPTION_KEY (+ DATA_ENCRYPTION_OLD_KEYS) or, when it is unset and not on
// Vercel, from a key file generated in the data directory. A value whose key is missing or wrong
// does not open: a SealError, never a guess and never the stored bytes. No key is ever logged.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { defineConfig } from "../platform/config/env.js";
import { depsSlot } from "../platform/deps.js";
import { log } from "../platform/log.js";
import { dataDirectory } from "../platform/sqlite.js";

const PREFIX = "sealed:v1:";
export const KEY_FILE = "data-key.json";
const KEY_HELP = "32 random bytes in base64 (openssl rand -base64 32)";

const keySchema = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, `must be ${KEY_HELP}`);

const config = defineConfig(
  "encryption",
  z
    .object({
      DATA_ENCRYPTION_KEY: keySchema.optional(),
      // Keys sealed with before, still needed to open what they sealed (comma-separated).
      DATA_ENCRYPTION_OLD_KEYS: z
        .string()
        .optional()
        .transform((list) =>
          (list ?? "")
            .split(",")
            .map((k) => k.trim())
            .filter(Boolean),
        )
        .pipe(z.array(keySchema)),
      VERCEL: z.string().optional(),
    })
    .superRefine((env, ctx) => {
      // A function's files do not outlive it: a generated key would be lost with what it sealed.
      if (env.VERCEL && !env.DATA_ENCRYPTION_KEY)
        ctx.addIssue({ code: "custom", path: ["DATA_ENCRYPTION_KEY"], message: `is required on Vercel: ${KEY_HELP}` });
      if (!env.DATA_ENCRYPTION_KEY && env.DATA_ENCRYPTION_OLD_KEYS.length) {
        ctx.addIssue({ code: "custom", path: ["DATA_ENCRYPTION_KEY"], message: "is required when DATA_ENCRYPTION_OLD_KEYS is set" });
      }
    }),
);

export class SealError extends Error {
  override readonly name = "SealError";
  constructor(
    readonly code: "DATA_KEY_UNKNOWN" | "SEAL_OPEN_FAILED" | "SEAL_MALFORMED" | "KEY_FILE_INVALID" | "KEY_NOT_ROTATABLE",
    message: string,
  ) {
    super(message);
  }
}

interface Keyring {
  source: "env" | "key-file" | "memory";
  currentId: string;
  keys: Map<string, Buffer>;
  file?: string;
  mtimeMs?: number;
}

/** A key's public name: a hash that identifies it and reveals nothing of it. */
export function keyId(key: Buffer): string {
  return createHash("sha256").update("healing-companion data key\0").update(key).digest("hex").slice(0, 12);
}

const cachedRing = depsSlot<Keyring>();
// DATA_DIR=":memory:" stores nothing on disk, so its key lives as long as the process.
let memoryKey: Buffer | undefined;

/** Where the keys come from, from configuration alone (no file read): for /api/health. */
export function encryptionBackend(): "env" | "key-file" | "memory" {
  if (config.load().DATA_ENCRYPTION_KEY) return "env";
  return dataDirectory() === ":memory:" ? "memory" : "key-file";
}

function ring(keys: Buffer[], source: Keyring["source"], extra: Partial<Keyring> = {}): Keyring {
  return { source, currentId: keyId(keys[0]!), keys: new Map(keys.map((k) => [keyId(k), k])), ...extra };
}

function keyring(): Keyring {
  // Another process (npm run privacy -- rotate-key) may have rotated the key file: re-read it then.
  const cached = cachedRing.get();
  const rotated = cached?.file !== undefined && statSync(cached.file, { throwIfNoEntry: false })?.mtimeMs !== cached.mtimeMs;
  if (cached && !rotated) return cached;
  const built = buildKeyring();
  cachedRing.set(built);
  return built;
}

function buildKeyring(): Keyring {
  const env = config.load();
  if (env.DATA_ENCRYPTION_KEY) {
    return ring(
      [env.DATA_ENCRYPTION_KEY, ...env.DATA_ENCRYPTION_OLD_KEYS].map((k) => Buffer.from(k, "base64")),
      "env",
    );
  }
  const dir = dataDirectory();
  if (dir === ":memory:") return ring([(memoryKey ??= randomBytes(32))], "memory");
  return readKeyFile(path.join(dir, KEY_FILE)) ?? createKeyFile(path.join(dir, KEY_FILE));
}

const KeyFile = z.object({ version: z.literal(1), keys: z.array(z.object({ key: keySchema, createdAt: z.string() })).min(1) });
type KeyFile = z.infer<typeof KeyFile>;

/** The key file's keys, newest (current) first; null when there is none. */
function readKeyFile(file: string): Keyring | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let parsed: KeyFile;
  try {
    parsed = KeyFile.parse(JSON.parse(text));
  } catch {
    throw new SealError("KEY_FILE_INVALID", `The data key file ${file} is not a valid key file; restore it from a backup.`);
  }
  return ring(
    parsed.keys.map((k) => Buffer.from(k.key, "base64")),
    "key-file",
    { file, mtimeMs: statSync(file).mtimeMs },
  );
}

function keyFileText(keys: { key: string; createdAt: string }[]): string {
  return `${JSON.stringify({ version: 1, keys }, null, 2)}\n`;
}

function createKeyFile(file: string): Keyring {
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    // Exclusive create: of two processes starting at once, one key wins and both use it.
    writeFileSync(file, keyFileText([{ key: key.toString("base64"), createdAt: new Date().toISOString() }]), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readKeyFile(file)!;
  }
  log.warn("encryption.key_generated", {
    file,
    keyId: keyId(key),
    note: "DATA_ENCRYPTION_KEY is unset: conversation turns are sealed with this generated key file. Back it up with the data; without it they cannot be read.",
  });
  return readKeyFile(file)!;
}

/** The key in use, creating the local key file if there is none (npm start calls it at boot). */
export function ensureDataKey(): { source: Keyring["source"]; keyId: string; file?: string } {
  const { source, currentId, file } = keyring();
  return { source, keyId: currentId, file };
}

/** Seal text under the current key; `context` (the kv key) must be given again to open it. */
export function seal(plaintext: string, context: string): string {
  const { currentId, keys } = keyring();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys.get(currentId)!, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${currentId}:${iv.toString("base64url")}:${body.toString("base64url")}`;
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** The id of the key a sealed value was sealed under. */
export function sealedKeyId(value: string): string | undefined {
  return isSealed(value) ? value.slice(PREFIX.length).split(":")[0] : undefined;
}

export function currentKeyId(): string {
  return keyring().currentId;
}

/** Open a sealed value; throws SealError when its key is unknown, wrong, or the value was altered. */
export function open(value: string, context: string): string {
  const [id, ivText, bodyText] = value.slice(PREFIX.length).split(":");
  if (!isSealed(value) || !id || !ivText || !bodyText) throw new SealError("SEAL_MALFORMED", "A stored value is not a sealed value.");
  const key = keyring().keys.get(id);
  if (!key) {
    throw new SealError(
      "DATA_KEY_UNKNOWN",
      `Stored conversation text is sealed under data key ${id}, which this server does not have: set DATA_ENCRYPTION_KEY (or add the old key to DATA_ENCRYPTION_OLD_KEYS), or restore the key file.`,
    );
  }
  const body = Buffer.from(bodyText, "base64url");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivText, "base64url"));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError(
      "SEAL_OPEN_FAILED",
      `Stored conversation text did not open with data key ${id}: the key is wrong or the value was altered.`,
    );
  }
}

/**
 * Rotate the local key file: a new key becomes current, the old ones stay to open what they
 * sealed. Keys from the environment are rotated by the operator (the error says how).
 */
export function rotateKeyFile(): { previousKeyId: string; keyId: string; file: string } {
  const current = keyring();
  if (current.source !== "key-file" || !current.file) {
    throw new SealError(
      "KEY_NOT_ROTATABLE",
      current.source === "env"
        ? `The keys come from the environment: generate a new key (${KEY_HELP}), set it as DATA_ENCRYPTION_KEY, move the old one into DATA_ENCRYPTION_OLD_KEYS, redeploy, then run npm run privacy -- rotate-key --reseal.`
        : "DATA_DIR is :memory:; there is no key file to rotate.",
    );
  }
  const parsed = KeyFile.parse(JSON.parse(readFileSync(current.file, "utf8")));
  const key = randomBytes(32);
  const temporary = `${current.file}.${process.pid}.tmp`;
  writeFileSync(temporary, keyFileText([{ key: key.toString("base64"), createdAt: new Date().toISOString() }, ...parsed.keys]), {
    mode: 0o600,
  });
  renameSync(temporary, current.file);
  cachedRing.set(undefined);
  const next = keyring();
  log.info("encryption.key_rotated", { keyId: next.currentId, previousKeyId: current.currentId, keys: next.keys.size });
  return { previousKeyId: current.currentId, keyId: next.currentId, file: current.file };
}

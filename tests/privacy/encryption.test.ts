// Encryption at rest for conversation text (issue 10, part 5): consented turns are sealed with
// AES-256-GCM under the data key, so neither the kv SQLite files (WAL included) nor Upstash's
// values hold them in clear; rotation keeps old turns readable; a missing or wrong key fails
// closed with a clear error; no key material reaches a log.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { POST as chatRoute } from "../../api/chat.js";
import { GET as readConversation } from "../../api/conversation.js";
import { GET as health } from "../../api/health.js";
import { settleBackground } from "../../lib/platform/background.js";
import { CONVERSATION_INDEX, loadTurns, resealConversations } from "../../lib/companion/conversation.js";
import { kv } from "../../lib/platform/kv/index.js";
import { currentKeyId, KEY_FILE, keyId, rotateKeyFile, sealedKeyId } from "../../lib/privacy/seal.js";
import { get, postJson } from "../support/http.js";
import { capturedLogs } from "../support/logs.js";
import { server } from "../support/msw.js";
import { kvRows } from "../support/stores.js";
import { TEST_UPSTASH_TOKEN, TEST_UPSTASH_URL, upstashEmulator } from "../support/upstash-emulator.js";
import { childEnv, rebuildDeps, testDataDir, testEnv, useEnv } from "../support/env.js";

const SECRET = "my secret sentence about the lake house";

async function chat(body: Record<string, unknown>) {
  const response = await chatRoute(postJson("/api/chat", { consent: true, ...body }));
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { conversationId: string; response: string };
  await settleBackground();
  return answer;
}

async function turnsOf(conversationId: string) {
  const response = await readConversation(get(`/api/conversation?id=${conversationId}`));
  return {
    status: response.status,
    body: (await response.json()) as { turns?: { content: string }[]; error?: { code: string; message: string } },
  };
}

/** The kv SQLite file and its write-ahead log, byte for byte. */
function kvFiles(): string {
  const files = ["kv.db", "kv.db-wal"].map((f) => path.join(testDataDir(), f)).filter(existsSync);
  return files.map((f) => readFileSync(f).toString("latin1")).join("\n");
}

const newKey = () => randomBytes(32).toString("base64");
const keyFileKeys = () =>
  (JSON.parse(readFileSync(path.join(testDataDir(), KEY_FILE), "utf8")) as { keys: { key: string }[] }).keys.map((k) => k.key);
const storedValue = (conversationId: string) => kvRows().find((r) => r.key === `conversation:${conversationId}`)!.value;

function expectNoKeyInLogs(keys: string[]) {
  const logs = capturedLogs.join("\n");
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    expect(logs).not.toContain(key);
    expect(logs).not.toContain(Buffer.from(key, "base64").toString("hex"));
  }
}

describe("conversation text at rest", () => {
  it("is absent in clear from the kv SQLite file and its WAL, and reads back through the API", async () => {
    const first = await chat({ message: SECRET, healingName: "River" });
    await chat({ message: "and the garden is blooming", conversationId: first.conversationId });
    const kvStore = await kv();
    // The byte search finds text stored in clear (so its silence below means something).
    await kvStore.set("control:plain", "a quiet secret in clear");
    const bytes = kvFiles();
    expect(bytes).toContain("a quiet secret in clear");
    for (const text of ["secret sentence", "lake house", "garden is blooming", first.response.slice(0, 30)])
      expect(bytes).not.toContain(text);
    await kvStore.delete("control:plain");

    expect(storedValue(first.conversationId)).toMatch(/^sealed:v1:[0-9a-f]{12}:/);
    const read = await turnsOf(first.conversationId);
    expect(read.status).toBe(200);
    expect(read.body.turns!.map((t) => t.content)).toEqual([SECRET, first.response, "and the garden is blooming", expect.any(String)]);
    // The key file was generated in the data directory (owner-only), and logged by id only.
    const file = path.join(testDataDir(), KEY_FILE);
    expect(readFileSync(file, "utf8")).toContain('"version": 1');
    expect((await import("node:fs")).statSync(file).mode & 0o777).toBe(0o600);
    expect(capturedLogs.some((line) => line.includes("encryption.key_generated") && line.includes(currentKeyId()))).toBe(true);
    expectNoKeyInLogs(keyFileKeys());
  });

  it("is absent in clear from the emulated Upstash values", async () => {
    const upstash = upstashEmulator();
    server.use(...upstash.handlers);
    useEnv({
      UPSTASH_REDIS_REST_URL: TEST_UPSTASH_URL,
      UPSTASH_REDIS_REST_TOKEN: TEST_UPSTASH_TOKEN,
      DATA_ENCRYPTION_KEY: newKey(),
    });
    const first = await chat({ message: SECRET, healingName: "River" });
    const dump = upstash.dump();
    expect(dump).toContain(`conversation:${first.conversationId}`);
    for (const text of ["secret sentence", "lake house", first.response.slice(0, 30)]) expect(dump).not.toContain(text);
    expect((await turnsOf(first.conversationId)).body.turns!.map((t) => t.content)).toEqual([SECRET, first.response]);
    expectNoKeyInLogs([testEnv().DATA_ENCRYPTION_KEY!]);
  });

  it("binds each value to its conversation: a value copied under another id does not open", async () => {
    const first = await chat({ message: SECRET });
    const other = "B".repeat(22);
    await (await kv()).set(`conversation:${other}`, storedValue(first.conversationId));
    const read = await turnsOf(other);
    expect(read.status).toBe(503);
    expect(read.body.error!.message).toMatch(/did not open .* the key is wrong or the value was altered/);
  });
});

describe("key rotation", () => {
  it("rotating the key file keeps old turns readable, seals new ones under the new key, and --reseal moves the old ones", async () => {
    const before = await chat({ message: SECRET });
    const oldId = currentKeyId();
    const rotated = rotateKeyFile();
    expect(rotated).toMatchObject({ previousKeyId: oldId, keyId: expect.not.stringMatching(oldId) });
    expect(keyFileKeys()).toHaveLength(2);

    expect((await turnsOf(before.conversationId)).body.turns![0]!.content).toBe(SECRET);
    const after = await chat({ message: "the garden is blooming" });
    expect(sealedKeyId(storedValue(after.conversationId))).toBe(rotated.keyId);
    expect(sealedKeyId(storedValue(before.conversationId))).toBe(oldId);
    const ttlBefore = await (await kv()).ttl(`conversation:${before.conversationId}`);

    expect(await resealConversations(await kv())).toEqual({ resealed: 1, current: 1, gone: 0, changed: 0 });
    expect(sealedKeyId(storedValue(before.conversationId))).toBe(rotated.keyId);
    expect(await (await kv()).ttl(`conversation:${before.conversationId}`)).toBeGreaterThanOrEqual(ttlBefore! - 1);
    expect((await loadTurns(await kv(), before.conversationId)).map((t) => t.content)[0]).toBe(SECRET);
    expectNoKeyInLogs(keyFileKeys());
  });

  it("with keys from the environment: the old key in DATA_ENCRYPTION_OLD_KEYS opens old turns; after a re-seal it is no longer needed", async () => {
    const [a, b] = [newKey(), newKey()];
    useEnv({ DATA_ENCRYPTION_KEY: a });
    const first = await chat({ message: SECRET });
    useEnv({ DATA_ENCRYPTION_KEY: b, DATA_ENCRYPTION_OLD_KEYS: a });
    expect((await turnsOf(first.conversationId)).body.turns![0]!.content).toBe(SECRET);
    expect(() => rotateKeyFile()).toThrow(/set it as DATA_ENCRYPTION_KEY, move the old one into DATA_ENCRYPTION_OLD_KEYS/);
    expect((await resealConversations(await kv())).resealed).toBe(1);
    useEnv({ DATA_ENCRYPTION_OLD_KEYS: undefined });
    expect(sealedKeyId(storedValue(first.conversationId))).toBe(keyId(Buffer.from(b, "base64")));
    expect((await turnsOf(first.conversationId)).body.turns![0]!.content).toBe(SECRET);
    expectNoKeyInLogs([a, b]);
  });

  it("npm run privacy -- rotate-key --reseal rotates the key file and re-seals, printing ids only", async () => {
    const first = await chat({ message: SECRET });
    const oldId = currentKeyId();
    const env = { ...childEnv(), LOG_LEVEL: "info" };
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/privacy.ts", "rotate-key", "--reseal"],
      { env },
    );
    const keys = keyFileKeys();
    expect(keys).toHaveLength(2);
    const newId = keyId(Buffer.from(keys[0]!, "base64"));
    expect(stdout).toContain(`Data key rotated: ${newId} is current (was ${oldId})`);
    expect(stdout).toContain("Re-sealed 1 conversations");
    for (const key of keys) expect(stdout + stderr).not.toContain(key);
    // This process notices the rotated file and opens the re-sealed value with the new key.
    expect(sealedKeyId(storedValue(first.conversationId))).toBe(newId);
    expect((await turnsOf(first.conversationId)).body.turns![0]!.content).toBe(SECRET);
    expect(currentKeyId()).toBe(newId);
  }, 30_000);
});

describe("without the right key, nothing opens", () => {
  it("a turn sealed under a key this server does not have answers 503 naming what to set, and is not written over", async () => {
    useEnv({ DATA_ENCRYPTION_KEY: newKey() });
    const first = await chat({ message: SECRET });
    const sealed = storedValue(first.conversationId);
    useEnv({ DATA_ENCRYPTION_KEY: newKey() });

    const read = await turnsOf(first.conversationId);
    expect(read.status).toBe(503);
    expect(read.body.error).toMatchObject({
      code: "service_unavailable",
      message: expect.stringMatching(
        /sealed under data key [0-9a-f]{12}, which this server does not have: set DATA_ENCRYPTION_KEY \(or add the old key to DATA_ENCRYPTION_OLD_KEYS\)/,
      ),
    });
    expect(JSON.stringify(read.body)).not.toContain("lake house");

    // The chat still answers (without the history it cannot open) and leaves the stored value alone.
    const next = await chatRoute(postJson("/api/chat", { message: "hello again", consent: true, conversationId: first.conversationId }));
    expect(next.status).toBe(200);
    await settleBackground();
    expect(storedValue(first.conversationId)).toBe(sealed);
    expect(capturedLogs.some((line) => line.includes("conversation.unreadable") && line.includes("DATA_KEY_UNKNOWN"))).toBe(true);
  });

  it("a lost key file is a new key: old turns fail closed instead of reading as anything", async () => {
    const first = await chat({ message: SECRET });
    rmSync(path.join(testDataDir(), KEY_FILE));
    rebuildDeps();
    const read = await turnsOf(first.conversationId);
    expect(read.status).toBe(503);
    expect(read.body.error!.message).toContain("or restore the key file");
  });

  it("an altered value fails its authentication", async () => {
    const first = await chat({ message: SECRET });
    const sealed = storedValue(first.conversationId);
    const flipped = sealed.slice(0, -3) + (sealed.at(-3) === "A" ? "B" : "A") + sealed.slice(-2);
    await (await kv()).set(`conversation:${first.conversationId}`, flipped);
    const read = await turnsOf(first.conversationId);
    expect(read.status).toBe(503);
    expect(read.body.error!.code).toBe("service_unavailable");
  });

  it("on Vercel a missing DATA_ENCRYPTION_KEY is a configuration problem /api/health reports, and nothing is stored", async () => {
    useEnv({ VERCEL: "1" });
    const report = (await (await health(get("/api/health"))).json()) as { backends: Record<string, string>; problems: string[] };
    expect(report.backends.encryption).toBe("misconfigured");
    expect(report.problems).toContain("encryption: check DATA_ENCRYPTION_KEY");
    const answer = await chat({ message: SECRET });
    expect(answer.response).toBeTruthy();
    expect(kvRows().some((r) => r.key === `conversation:${answer.conversationId}`)).toBe(false);
    expect(existsSync(path.join(testDataDir(), KEY_FILE))).toBe(false);
  });

  it("an invalid DATA_ENCRYPTION_KEY is named, never echoed", async () => {
    const bad = "dG9vLXNob3J0LWZvci1hLWtleQ==";
    useEnv({ DATA_ENCRYPTION_KEY: bad });
    const response = await health(get("/api/health"));
    const text = await response.text();
    expect(JSON.parse(text).problems).toContain("encryption: check DATA_ENCRYPTION_KEY");
    const first = await chatRoute(postJson("/api/chat", { message: SECRET, consent: true }));
    const { conversationId } = (await first.json()) as { conversationId: string };
    await settleBackground();
    expect(kvRows().some((r) => r.key === `conversation:${conversationId}`)).toBe(false);
    expect(text + capturedLogs.join("\n")).not.toContain(bad);
  });
});

describe("the stored-conversation index", () => {
  it("lists consented conversations only, and forgets one when it is deleted", async () => {
    const first = await chat({ message: SECRET });
    await chatRoute(postJson("/api/chat", { message: "not stored", consent: false }));
    await settleBackground();
    const store = await kv();
    expect(await store.zrangeByScore(CONVERSATION_INDEX, Number.MAX_SAFE_INTEGER, 10)).toEqual([first.conversationId]);
    await chat({ message: "forget me", consent: false, conversationId: first.conversationId });
    expect(await store.zcard(CONVERSATION_INDEX)).toBe(0);
  });
});

// Per test: a fresh data directory (fresh SQLite stores), no vendor credentials, cleared caches,
// captured logs, and no background work left running into the next test.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";
import { resetServices } from "../../lib/platform/config/env.js";
import { settleBackground } from "../../lib/platform/background.js";
import { capturedLogs } from "./logs.js";
import { server } from "./msw.js";

const VENDOR_PREFIXES = [
  "AIRTABLE_",
  "UPSTASH_",
  "OPENAI_",
  "MAILCHIMP_",
  "STRIPE_",
  "TYPEFORM_",
  "CRISIS_",
  "CRON_",
  "KV_",
  "JOURNEYS_",
  "SAFETY_",
  "PARTICIPANT_",
  "DATA_ENCRYPTION_",
];

// Phrases the tests send as messages and reflections. None may ever reach a log line.
const PARTICIPANT_TEXT = [
  "kill myself",
  "slept well",
  "secret sentence",
  "lake house",
  "garden is blooming",
  "want to die",
  "hopeless lately",
  "Day 8 felt lighter",
  "quiet secret",
];

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => {
  server.close();
  const leaked = PARTICIPANT_TEXT.filter((phrase) => capturedLogs.some((line) => line.toLowerCase().includes(phrase.toLowerCase())));
  if (leaked.length) throw new Error(`Participant text reached the logs: ${leaked.join(", ")}`);
});

beforeEach(() => {
  for (const key of Object.keys(process.env)) {
    if (VENDOR_PREFIXES.some((prefix) => key.startsWith(prefix)) || key === "VERCEL") delete process.env[key];
  }
  process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), "healing-test-"));
  process.env.LOG_LEVEL = "debug";
  resetServices();
  const capture = (...args: unknown[]) => void capturedLogs.push(args.map(String).join(" "));
  vi.spyOn(console, "log").mockImplementation(capture);
  vi.spyOn(console, "error").mockImplementation(capture);
  vi.spyOn(console, "warn").mockImplementation(capture);
});

afterEach(async () => {
  await settleBackground();
  server.resetHandlers();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

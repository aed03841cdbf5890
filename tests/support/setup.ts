// Per test: fresh deps (a new data directory and fresh SQLite stores, no vendor credentials, nothing
// built yet), captured logs, and no background work left running into the next test.
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";
import { settleBackground } from "../../lib/platform/background.js";
import { installFreshTestDeps } from "./env.js";
import { capturedLogs } from "./logs.js";
import { server } from "./msw.js";

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
  installFreshTestDeps();
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

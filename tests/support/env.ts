// Tests configure the code under test by building its deps (lib/platform/deps.ts), never by
// writing process.env: each test starts from its own deps (setup.ts) and `useEnv` installs new
// ones over them, so every config, store and client is built again on next use, as after a
// redeploy with the new environment.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDeps, deps, installDeps, type EnvSource } from "../../lib/platform/deps.js";

/** What every test starts from: its own data directory (fresh SQLite stores), debug logs, no vendor credentials. */
export function installFreshTestDeps(): void {
  installDeps(createDeps({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "healing-test-")), LOG_LEVEL: "debug" }));
}

/** These variables over the test's current configuration (undefined removes one), in fresh deps. */
export function useEnv(vars: Record<string, string | undefined>): void {
  const next: Record<string, string | undefined> = { ...deps().env };
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  installDeps(createDeps(next));
}

/** Fresh deps with the same configuration: everything is built again on next use (a cold start). */
export function rebuildDeps(): void {
  useEnv({});
}

/** The test's configuration, as the code under test reads it. */
export function testEnv(): EnvSource {
  return deps().env;
}

/** This test's data directory (the embedded stores and key files live there). */
export function testDataDir(): string {
  const dir = deps().env.DATA_DIR;
  if (!dir) throw new Error("this test has no DATA_DIR");
  return dir;
}

// The machine's own variables a child process needs (PATH, HOME, npm's), without any the app reads.
// (Every prefix of a variable lib/ reads: a value left in a developer's shell must not reach the child.)
export const APP_VARIABLE =
  /^(AIRTABLE_|UPSTASH_|OPENAI_|MAILCHIMP_|STRIPE_|TYPEFORM_|CRISIS_|CRON_|KV_|JOURNEYS_|SAFETY_|PARTICIPANT_|DATA_ENCRYPTION_|PRIVACY_|RETENTION_|REFLECTION_|OUTBOX_|HEALTH_|CHAT_|CONVERSATION_|MODERATION_|PUBLIC_BASE_URL$|VERCEL|PORT$|DATA_DIR$|LOG_LEVEL$)/;

/** The environment for a child process (npm start, an operator script): the test's configuration, then `extra`. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!APP_VARIABLE.test(key)) env[key] = value;
  for (const [key, value] of Object.entries({ ...deps().env, ...extra })) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

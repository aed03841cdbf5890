import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET as health } from "../../api/health.js";
import { GET as drainCron } from "../../api/cron/drain.js";
import { POST as reflection } from "../../api/reflection.js";
import { createApp, loadRoutes, routePath } from "../../lib/platform/dev-server.js";
import { get, postJson } from "../support/http.js";
import { capturedLogs } from "../support/logs.js";
import { mailchimpEmulator, useMailchimpEnv } from "../support/mailchimp-emulator.js";
import { server } from "../support/msw.js";
import { useVendorStores } from "../support/stack.js";
import { openAiEmulator, TEST_OPENAI_URL } from "../support/openai-emulator.js";
import { stripeApiEmulator, TEST_STRIPE_API } from "../support/stripe.js";
import { useEnv } from "../support/env.js";

describe("GET /api/health", () => {
  it("reports the embedded backends when nothing is configured", async () => {
    const response = await health();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", backends: { records: "sqlite", kv: "sqlite" }, problems: [] });
  });

  it("reports vendor backends without ever echoing a secret", async () => {
    useEnv({
      AIRTABLE_API_KEY: "patSECRET.value",
      AIRTABLE_BASE_ID: "appABCDEFGHIJKLMN",
      UPSTASH_REDIS_REST_URL: "https://kv.example.upstash.io",
      UPSTASH_REDIS_REST_TOKEN: "upstash-secret-token",
    });
    const text = await (await health()).text();
    expect(JSON.parse(text).backends).toMatchObject({ records: "airtable", kv: "upstash" });
    expect(text).not.toMatch(/SECRET|secret-token/);
  });

  it("names a misconfigured variable and keeps unrelated endpoints working", async () => {
    useEnv({ AIRTABLE_API_KEY: "patSECRET.value" });
    const body = await (await health()).json();
    expect(body.status).toBe("degraded");
    expect(body.backends.records).toBe("misconfigured");
    expect(body.problems).toEqual(["records: check AIRTABLE_BASE_ID"]);
    expect(JSON.stringify(body)).not.toContain("patSECRET");

    const response = await reflection(postJson("/api/reflection", { healingName: "River", reflection: "hi" }));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: { code: "not_configured", message: expect.stringContaining("AIRTABLE_BASE_ID") },
    });
  });

  it("treats a value of only whitespace as unset and trims pasted newlines", async () => {
    useEnv({ AIRTABLE_API_KEY: "  \n", AIRTABLE_BASE_ID: "\n" });
    expect((await (await health()).json()).backends.records).toBe("sqlite");
    useEnv({ AIRTABLE_API_KEY: "patKEY\n", AIRTABLE_BASE_ID: " appABCDEFGHIJKLMN\n" });
    expect((await (await health()).json()).backends.records).toBe("airtable");
  });
});

describe("GET /api/health?deep=1", () => {
  const deep = () => health(get("/api/health?deep=1"));

  function useVendors() {
    const mailchimp = mailchimpEmulator();
    server.use(...mailchimp.handlers, ...openAiEmulator().handlers);
    const { airtable, upstash } = useVendorStores({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: TEST_OPENAI_URL });
    useMailchimpEnv();
    return { airtable, upstash, mailchimp };
  }

  it("probes the embedded stores and reports unconfigured vendors as not_configured", async () => {
    const response = await deep();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      checks: {
        records: { state: "ok" },
        kv: { state: "ok" },
        companion: { state: "not_configured" },
        mailchimp: { state: "not_configured" },
        billing: { state: "not_configured" },
      },
    });
  });

  it("reports every configured vendor ok when each one answers", async () => {
    useVendors();
    useEnv({ STRIPE_WEBHOOK_SECRET: "whsec_test_secret", STRIPE_SECRET_KEY: "sk_test_probe", STRIPE_API_BASE_URL: TEST_STRIPE_API });
    server.use(...stripeApiEmulator({}).handlers);
    const body = await (await deep()).json();
    expect(body.status).toBe("ok");
    for (const name of ["records", "kv", "companion", "mailchimp", "billing"]) expect(body.checks[name].state).toBe("ok");
  });

  it("answers 503 down when Airtable and Upstash are dead, naming each", async () => {
    const { airtable, upstash } = useVendors();
    airtable.outage(503);
    upstash.setDown(true);
    const response = await deep();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.status).toBe("down");
    expect(body.checks.records.state).toBe("down");
    expect(body.checks.kv.state).toBe("down");
    expect(body.checks.companion.state).toBe("ok");
    // The fast answer stays a configuration-only liveness check.
    expect((await health(get("/api/health"))).status).toBe(200);
  });

  it("reports a backend that never answers as down within the budget", async () => {
    const { airtable } = useVendors();
    useEnv({ HEALTH_PROBE_BUDGET_MS: "300" });
    airtable.slow(5000);
    const response = await deep();
    expect(response.status).toBe(503);
    expect((await response.json()).checks.records).toMatchObject({ state: "down", detail: "no answer within 300 ms" });
  });

  it("stays 200 but degraded when an optional vendor (Mailchimp) is down", async () => {
    const { mailchimp } = useVendors();
    mailchimp.fail(5, 503);
    const response = await deep();
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe("degraded");
    expect(body.checks.mailchimp.state).toBe("down");
  });
});

describe("GET /api/health on Vercel", () => {
  it("warns loudly that the embedded stores do not persist, and that billing and personal links are not configured", async () => {
    useEnv({ VERCEL: "1" });
    const body = await (await health(get("/api/health"))).json();
    expect(body.status).toBe("degraded");
    expect(body.warnings).toEqual([
      expect.stringMatching(/^records: NOT PERSISTENT .*AIRTABLE_API_KEY/),
      expect.stringMatching(/^kv: NOT PERSISTENT .*UPSTASH_REDIS_REST_URL/),
      "billing: STRIPE_WEBHOOK_SECRET is not set; Stripe webhooks answer 503",
      expect.stringMatching(/^participants: PARTICIPANT_SECRET is not set/),
    ]);
  });

  it("logs a warning when a function opens an embedded store on Vercel", async () => {
    useEnv({ VERCEL: "1", PARTICIPANT_AUTH: "optional" }); // on Vercel a name alone is refused by default; this test is about the stores
    capturedLogs.length = 0;
    expect((await reflection(postJson("/api/reflection", { healingName: "River", reflection: "hi" }))).status).toBe(201);
    const warnings = capturedLogs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.event === "storage.not_persistent");
    expect(warnings.map((line) => [line.level, line.store])).toEqual(
      expect.arrayContaining([
        ["warn", "records"],
        ["warn", "kv"],
      ]),
    );
  });
});

describe("GET /api/cron/drain", () => {
  it("runs locally without a secret", async () => {
    const response = await drainCron(get("/api/cron/drain"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      succeeded: 0,
      retried: 0,
      failed: 0,
      skipped: 0,
      rounds: 1,
      more: false,
      queue: { depth: 0, oldestPendingAgeMs: null, failed: 0 },
      pace: null,
      retention: {
        Reflections: { days: 0, status: "kept" },
        "Crisis Events": { days: 0, status: "kept" },
        "Intake Rejections": { days: 0, status: "kept" },
      },
    });
  });

  it("requires the bearer CRON_SECRET when one is set", async () => {
    useEnv({ CRON_SECRET: "a-long-cron-secret-value" });
    expect((await drainCron(get("/api/cron/drain"))).status).toBe(401);
    expect((await drainCron(get("/api/cron/drain", { authorization: "Bearer wrong" }))).status).toBe(401);
    expect((await drainCron(get("/api/cron/drain", { authorization: "Bearer a-long-cron-secret-value" }))).status).toBe(200);
  });

  it("refuses to run on Vercel without a CRON_SECRET", async () => {
    useEnv({ VERCEL: "1" });
    expect((await drainCron(get("/api/cron/drain"))).status).toBe(503);
  });
});

describe("local runner", () => {
  it("maps files to the paths Vercel uses", () => {
    expect(routePath("/p/api", "/p/api/billing/webhook.ts")).toBe("/api/billing/webhook");
    expect(routePath("/p/api", "/p/api/intake/typeform.ts")).toBe("/api/intake/typeform");
    expect(routePath("/p/api", "/p/api/index.ts")).toBe("/api");
  });

  it("serves every api/ file and answers unknown paths with a JSON 404", async () => {
    const routes = await loadRoutes(path.resolve("api"));
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(["/api/health", "/api/reflection", "/api/cron/drain"]));
    const app = createApp(routes);
    expect((await app(new Request("http://localhost/api/health"))).status).toBe(200);
    const missing = await app(new Request("http://localhost/api/nope"));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
  });
});

import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET as health } from "../../api/health.js";
import { GET as drainCron } from "../../api/cron/drain.js";
import { POST as reflection } from "../../api/reflection.js";
import { resetServices } from "../../lib/config/env.js";
import { createApp, loadRoutes, routePath } from "../../lib/dev-server.js";
import { get, postJson } from "../support/http.js";

describe("GET /api/health", () => {
  it("reports the embedded backends when nothing is configured", async () => {
    const response = await health();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", backends: { records: "sqlite", kv: "sqlite" }, problems: [] });
  });

  it("reports vendor backends without ever echoing a secret", async () => {
    process.env.AIRTABLE_API_KEY = "patSECRET.value";
    process.env.AIRTABLE_BASE_ID = "appABCDEFGHIJKLMN";
    process.env.UPSTASH_REDIS_REST_URL = "https://kv.example.upstash.io";
    process.env.UPSTASH_REDIS_REST_TOKEN = "upstash-secret-token";
    resetServices();
    const text = await (await health()).text();
    expect(JSON.parse(text).backends).toMatchObject({ records: "airtable", kv: "upstash" });
    expect(text).not.toMatch(/SECRET|secret-token/);
  });

  it("names a misconfigured variable and keeps unrelated endpoints working", async () => {
    process.env.AIRTABLE_API_KEY = "patSECRET.value";
    resetServices();
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
    process.env.AIRTABLE_API_KEY = "  \n";
    process.env.AIRTABLE_BASE_ID = "\n";
    resetServices();
    expect((await (await health()).json()).backends.records).toBe("sqlite");
    process.env.AIRTABLE_API_KEY = "patKEY\n";
    process.env.AIRTABLE_BASE_ID = " appABCDEFGHIJKLMN\n";
    resetServices();
    expect((await (await health()).json()).backends.records).toBe("airtable");
  });
});

describe("GET /api/cron/drain", () => {
  it("runs locally without a secret", async () => {
    const response = await drainCron(get("/api/cron/drain"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", succeeded: 0, retried: 0, failed: 0, skipped: 0 });
  });

  it("requires the bearer CRON_SECRET when one is set", async () => {
    process.env.CRON_SECRET = "a-long-cron-secret-value";
    resetServices();
    expect((await drainCron(get("/api/cron/drain"))).status).toBe(401);
    expect((await drainCron(get("/api/cron/drain", { authorization: "Bearer wrong" }))).status).toBe(401);
    expect((await drainCron(get("/api/cron/drain", { authorization: "Bearer a-long-cron-secret-value" }))).status).toBe(200);
  });

  it("refuses to run on Vercel without a CRON_SECRET", async () => {
    process.env.VERCEL = "1";
    resetServices();
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

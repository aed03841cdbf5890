// A newcomer can walk every journey offline: the intake and each Stripe event, built and signed
// the way the providers do, change the participant as documented.
import { execFile, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { settleBackground } from "../../lib/platform/background.js";
import { createApp, loadRoutes } from "../../lib/platform/dev-server.js";
import { journeyLog } from "../../lib/journeys/journeys.js";
import { kv } from "../../lib/platform/kv/index.js";
import { records } from "../../lib/platform/records/index.js";
import { HANDLED_EVENTS } from "../../lib/billing/billing.js";
import {
  participantFrom,
  signedStripeRequest,
  signedTypeformRequest,
  stripeTestEvent,
  typeformTestIntake,
} from "../../scripts/local-events.js";
import { childEnv, useEnv } from "../support/env.js";

const SECRET = "whsec_local_dev";
const BASE = "http://localhost:3000";

describe("local provider events", () => {
  it("walks intake → checkout → failed payment → paid → canceled, each answered 200", async () => {
    useEnv({ STRIPE_WEBHOOK_SECRET: SECRET });
    const app = createApp(await loadRoutes(path.resolve("api")));
    const who = participantFrom({ name: "River" });
    const user = async () => (await (await records()).find("Users", { "Healing Name": "River" }))[0]?.fields;

    expect((await app(signedTypeformRequest(BASE, typeformTestIntake(who)))).status).toBe(200);
    await settleBackground();
    expect(await user()).toMatchObject({ Email: "river@example.org", "Consent to Data Storage": true });

    const steps: [string, Record<string, unknown>][] = [
      ["checkout.session.completed", { Plan: "member", "Subscription Status": "active", "Stripe Customer ID": who.customer }],
      ["invoice.payment_failed", { Plan: "member", "Subscription Status": "past_due" }],
      ["invoice.paid", { Plan: "member", "Subscription Status": "active" }],
      ["customer.subscription.deleted", { Plan: "free", "Subscription Status": "canceled" }],
    ];
    let created = Math.floor(Date.now() / 1000);
    for (const [type, expected] of steps) {
      const event = stripeTestEvent(type as (typeof HANDLED_EVENTS)[number], who, ++created);
      const response = await app(signedStripeRequest(BASE, event, SECRET));
      expect([type, response.status]).toEqual([type, 200]);
      await settleBackground();
      expect(await user()).toMatchObject(expected);
    }
    const events = new Set((await journeyLog(await kv())).map((entry) => entry.event));
    expect([...events].sort()).toEqual(["intake.completed", "subscription.active", "subscription.canceled", "subscription.payment_failed"]);
  });

  it.each(HANDLED_EVENTS)("builds a %s event the webhook accepts as well-formed", async (type) => {
    useEnv({ STRIPE_WEBHOOK_SECRET: SECRET });
    const app = createApp(await loadRoutes(path.resolve("api")));
    const response = await app(signedStripeRequest(BASE, stripeTestEvent(type, participantFrom({ name: "Nobody" })), SECRET));
    expect(response.status).toBe(200);
  });
});

describe("npm run stripe:event", () => {
  it("signs and posts an event to the running local server", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const env = { ...childEnv(), PORT: String(port), STRIPE_WEBHOOK_SECRET: SECRET, LOG_LEVEL: "warn" };
    const server = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("Healing Companion backend on") && resolve());
        server.once("exit", () => reject(new Error("server exited")));
      });
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "scripts/stripe-event.ts", "checkout.session.completed", "--name", "River"],
        { env },
      );
      expect(stdout).toMatch(/^checkout\.session\.completed evt_test_\w+ → 200 \{"received":true\}/);
    } finally {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
    }
  });

  it("names the variable to set when STRIPE_WEBHOOK_SECRET is missing", async () => {
    const env = { ...childEnv(), STRIPE_WEBHOOK_SECRET: "", PORT: "1" };
    const error = (await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/stripe-event.ts", "invoice.paid"], {
      env,
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toContain("Set STRIPE_WEBHOOK_SECRET");
  });
});

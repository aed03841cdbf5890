// Records benchmarks (npm run bench):
//  - burst: a cohort's 300 reflections at concurrency 50, each from its own loopback address,
//    against an emulated Airtable on loopback with the vendor's limits (5 requests/s per base,
//    10 records per request, a 30 s lockout for a request too many, ~100 ms per answer). Time
//    until every record is stored, records/s against the 50 records/s limit, lockouts the app
//    earned, requests sent into a lockout, lost and duplicated records. Then the same with two
//    app processes draining at once, and with faults injected (503s, lost answers, a lockout
//    caused by another client of the base).
//  - embedded store: reflection throughput on the local runner (SQLite) in an empty store and
//    after 100,000 rows, in the same run.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { getResponse } from "msw";
import { createSqliteKv } from "../lib/platform/kv/sqlite.js";
import { rememberEmail } from "../lib/journeys/journeys.js";
import { rememberUserId } from "../lib/participants/repository.js";
import { createSqliteRecords, newRecordId } from "../lib/platform/records/sqlite.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../tests/support/airtable-emulator.js";
import { postFromLoopback } from "./bench-chat.js";

const BURST = Number(process.env.BENCH_BURST ?? 300);
const CONCURRENCY = 50;
const LIMIT_RECORDS_PER_SECOND = 50;
const AIRTABLE_LATENCY_MS = 100;
const EMBEDDED_REQUESTS = Number(process.env.BENCH_EMBEDDED_REQUESTS ?? 300);
const EMBEDDED_ROWS = Number(process.env.BENCH_EMBEDDED_ROWS ?? 100_000);

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Emulator = ReturnType<typeof airtableEmulator>;

/** The msw Airtable emulator served on loopback, so several app processes share one base. */
async function startEmulatedAirtable(): Promise<{ url: string; emulator: Emulator; close(): Promise<void> }> {
  let emulator: Emulator | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on(
      "end",
      () =>
        void (async () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
          const body = req.method === "GET" || req.method === "HEAD" || req.method === "DELETE" ? undefined : Buffer.concat(chunks);
          const response =
            (await getResponse(emulator!.handlers, new Request(`${url}${req.url}`, { method: req.method, headers, body }))) ??
            new Response("{}", { status: 404 });
          res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" });
          res.end(Buffer.from(await response.arrayBuffer()));
        })(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emulator = airtableEmulator({ endpoint: url });
  emulator.seedFromSchema();
  emulator.slow(AIRTABLE_LATENCY_MS);
  return { url, emulator, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

interface Runner {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function startRunner(env: Record<string, string>): Promise<Runner> {
  const port = 4000 + Math.floor(Math.random() * 900);
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "silent", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (process.env.BENCH_LOG_LEVEL) child.stdout.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("Backends:") && resolve());
    child.once("exit", () => reject(new Error("runner exited")));
    setTimeout(() => reject(new Error("runner did not start in 30 s")), 30_000).unref();
  });
  return { port, process: child, stop: () => new Promise((resolve) => (child.once("exit", () => resolve()), child.kill("SIGTERM"))) };
}

function getFrom(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: urlPath }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Send `count` requests with at most `concurrency` in flight; returns each one's status and latency. */
async function fire(count: number, concurrency: number, send: (i: number) => Promise<number>): Promise<{ status: number; ms: number }[]> {
  const out: { status: number; ms: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        const status = await send(i);
        out[i] = { status, ms: performance.now() - t };
      }
    }),
  );
  return out;
}

interface BurstOptions {
  label: string;
  processes: 1 | 2;
  /** Participants' Users ids and emails already in kv, as the intake leaves them. */
  warmLinks: boolean;
  /** Day 1 reflections start the milestone journey (Mailchimp steps that need the participant's email). */
  milestone: boolean;
  faults: boolean;
}

async function burst(options: BurstOptions, seed: number): Promise<string> {
  const airtable = await startEmulatedAirtable();
  const { emulator } = airtable;
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-burst-"));
  // The cohort: every participant did the intake (a Users record, and with warm links its id in kv).
  const names = Array.from({ length: BURST }, (_, i) => `Cohort ${seed} ${i}`);
  const users = emulator.rows("Users");
  const kv = createSqliteKv(new Database(path.join(dataDir, "kv.db")));
  for (const name of names) {
    const id = newRecordId();
    const email = `${name.replace(/\W+/g, ".").toLowerCase()}@example.org`;
    users.push({ id, createdTime: new Date().toISOString(), fields: { "Healing Name": name, Email: email } });
    if (options.warmLinks) await Promise.all([rememberUserId(kv, name, id), rememberEmail(kv, name, email)]);
  }
  const env = {
    DATA_DIR: dataDir,
    AIRTABLE_API_KEY: TEST_TOKEN,
    AIRTABLE_BASE_ID: TEST_BASE_ID,
    AIRTABLE_ENDPOINT_URL: airtable.url,
    AIRTABLE_TIMEOUT_MS: "10000",
  };
  const runners = await Promise.all(Array.from({ length: options.processes }, () => startRunner(env)));
  const ids = names.map((_, i) => `burst-${seed}-${String(i).padStart(4, "0")}`);
  const before = emulator.requests.length;
  const stored = () => new Set(emulator.rows("Reflections").map((row) => String(row.fields["Submission ID"]))).size;
  try {
    const started = performance.now();
    const faults: Promise<void>[] = [];
    if (options.faults) {
      faults.push(sleep(1500).then(() => emulator.outage(503, 2)));
      faults.push(sleep(2500).then(() => emulator.loseResponses(2)));
      // Another client of the base sends one request too many: the base is locked for 30 s.
      faults.push(sleep(3500).then(() => emulator.lockOut(30_000)));
    }
    const answers = fire(BURST, CONCURRENCY, (i) =>
      postFromLoopback(
        runners[i % runners.length]!.port,
        "/api/reflection",
        {
          healingName: names[i],
          reflection: "Day one felt steady.",
          submissionId: ids[i],
          ...(options.milestone ? { milestone: "Day 1" } : {}),
        },
        seed * 1000 + i,
      ),
    );
    // With two processes, both also run the cron drain while the burst arrives: several drainers at once.
    const crons =
      options.processes === 2 ? [sleep(500).then(() => Promise.all(runners.map((r) => getFrom(r.port, "/api/cron/drain"))))] : [];
    const results = await answers;
    const acceptedMs = performance.now() - started;
    const deadline = started + (options.faults ? 150_000 : 90_000);
    while (stored() < BURST && performance.now() < deadline) await sleep(50);
    const storedMs = performance.now() - started;
    await Promise.all([...crons, ...faults]);

    if (process.env.BENCH_LOG_LEVEL)
      for (const r of emulator.requests.slice(before, before + 60)) console.error(r.at.toFixed(0), r.method, r.table, r.records, r.status);
    const rows = emulator.rows("Reflections");
    const distinct = new Set(rows.map((row) => String(row.fields["Submission ID"])));
    const lost = ids.filter((id) => !distinct.has(id)).length;
    const duplicates = rows.length - distinct.size;
    const writes = emulator.requests.slice(before).filter((r) => r.table === "Reflections" && r.status === 200);
    const requests = emulator.requests.slice(before);
    const perRequest = writes.reduce((n, w) => n + w.records, 0) / Math.max(1, writes.length);
    // Sustained: records stored per whole second (by Airtable's clock), from the first full
    // batch to the last write; the last, partial second is left out.
    const firstFull = writes.find((w) => w.records === 10);
    const buckets: number[] = [];
    if (firstFull) {
      for (const w of writes.filter((w) => w.at >= firstFull.at)) {
        const b = Math.floor((w.at - firstFull.at) / 1000);
        buckets[b] = (buckets[b] ?? 0) + w.records;
      }
    }
    const whole = Array.from({ length: Math.max(0, buckets.length - 1) }, (_, i) => buckets[i] ?? 0);
    const sustained = whole.length ? whole.reduce((a, b) => a + b, 0) / whole.length : NaN;
    const overall = (BURST - lost) / (storedMs / 1000);
    const statuses = results.map((r) => r.status);
    const count = (s: number) => statuses.filter((x) => x === s).length;
    const injected = options.faults ? "503×2, 502×2 after write, 30 s lockout by another client" : "none";
    return [
      `${options.label}`,
      `  accepted in ${(acceptedMs / 1000).toFixed(1)} s (201: ${count(201)}, 202: ${count(202)}, other: ${BURST - count(201) - count(202)}); answer p50 ${percentile(
        results.map((r) => r.ms),
        0.5,
      ).toFixed(0)} ms, p95 ${percentile(
        results.map((r) => r.ms),
        0.95,
      ).toFixed(0)} ms`,
      `  all stored after ${(storedMs / 1000).toFixed(1)} s: ${overall.toFixed(1)} records/s overall (${((overall / LIMIT_RECORDS_PER_SECOND) * 100).toFixed(0)}% of ${LIMIT_RECORDS_PER_SECOND}), ${sustained.toFixed(1)} records/s sustained (${((sustained / LIMIT_RECORDS_PER_SECOND) * 100).toFixed(0)}%; per second: ${whole.join(" ")})`,
      `  Airtable requests: ${requests.length} (${requests.filter((r) => r.table === "Users").length} Users, ${requests.filter((r) => r.table === "Reflections").length} Reflections), ${perRequest.toFixed(1)} records per Reflections write; faults injected: ${injected}`,
      `  lockouts earned: ${emulator.stats.lockouts}, requests sent into a lockout: ${emulator.stats.refusedWhileLocked}, lost: ${lost}, duplicates: ${duplicates}`,
    ].join("\n");
  } finally {
    await Promise.all(runners.map((r) => r.stop()));
    await airtable.close();
  }
}

export async function burstSection(): Promise<void> {
  console.log(
    `\nBurst to an emulated Airtable (5 requests/s per base, 10 records per request, 30 s lockout, ${AIRTABLE_LATENCY_MS} ms per answer): ${BURST} reflections, concurrency ${CONCURRENCY}, one loopback address each`,
  );
  console.log(`target: ≥ 45 records/s sustained (90% of ${LIMIT_RECORDS_PER_SECOND}), 0 lockouts earned, 0 lost, 0 duplicates`);
  const runs: BurstOptions[] = [
    {
      label: "one app process: a cohort's Day 1 (links and emails cached by the intake)",
      processes: 1,
      warmLinks: true,
      milestone: true,
      faults: false,
    },
    { label: "two app processes draining at once, same", processes: 2, warmLinks: true, milestone: true, faults: false },
    { label: "two app processes, same, with faults injected", processes: 2, warmLinks: true, milestone: true, faults: true },
    {
      label: "one app process, nothing cached (every Healing Name resolved through Airtable), no milestone",
      processes: 1,
      warmLinks: false,
      milestone: false,
      faults: false,
    },
  ];
  const only = process.env.BENCH_BURST_ONLY ? Number(process.env.BENCH_BURST_ONLY) : undefined;
  for (const [i, run] of runs.entries()) if (only === undefined || only === i + 1) console.log(await burst(run, i + 1));
}

/** Reflections on the local runner (SQLite records and kv) in an empty store, then after EMBEDDED_ROWS rows. */
export async function embeddedSection(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-embedded-"));
  const runner = await startRunner({ DATA_DIR: dataDir });
  try {
    const measure = async (round: number) => {
      // Each reflection from a new participant: a Users lookup and create, then the Reflections upsert.
      const send = (i: number) =>
        postFromLoopback(
          runner.port,
          "/api/reflection",
          { healingName: `Embedded ${round} ${i}`, reflection: "A calm day, mostly.", milestone: "Day 7" },
          round * 600 + i,
        );
      await fire(EMBEDDED_REQUESTS, 10, send); // warm up (as many as are measured)
      const t = performance.now();
      const results = await fire(EMBEDDED_REQUESTS, 10, (i) => send(i + EMBEDDED_REQUESTS));
      const seconds = (performance.now() - t) / 1000;
      const refused = results.filter((r) => r.status !== 201).length;
      return {
        perSecond: EMBEDDED_REQUESTS / seconds,
        p50: percentile(
          results.map((r) => r.ms),
          0.5,
        ),
        p95: percentile(
          results.map((r) => r.ms),
          0.95,
        ),
        p99: percentile(
          results.map((r) => r.ms),
          0.99,
        ),
        refused,
      };
    };
    const empty = await measure(1);
    // Fill the same file the runner uses: one Users record per 10 reflections.
    const db = new Database(path.join(dataDir, "records.db"));
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    const store = createSqliteRecords(db);
    const fillStarted = performance.now();
    for (let i = 0; i < EMBEDDED_ROWS; i += 1000) {
      const chunk = Array.from({ length: Math.min(1000, EMBEDDED_ROWS - i) }, (_, j) => i + j);
      await store.create(
        "Users",
        chunk.filter((n) => n % 10 === 0).map((n) => ({ "Healing Name": `Seed ${n / 10}`, Email: `seed${n / 10}@example.org` })),
      );
      await store.create(
        "Reflections",
        chunk.map((n) => ({
          "Submission ID": `seed-${String(n).padStart(8, "0")}`,
          "Healing Name": `Seed ${Math.floor(n / 100)}`,
          "Reflection Text": "Seeded.",
          Date: new Date().toISOString(),
        })),
      );
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    db.close();
    const full = await measure(2);
    console.log(
      `\nEmbedded records store: POST /api/reflection on the local runner, ${EMBEDDED_REQUESTS} requests at concurrency 10, each from a new participant`,
    );
    console.log(`target: throughput at ${EMBEDDED_ROWS.toLocaleString("en")} rows within 20% of the empty store`);
    console.log(`${"store".padEnd(34)} ${"req/s".padStart(8)} ${"p50".padStart(8)} ${"p95".padStart(8)} ${"p99".padStart(8)}   not 201`);
    for (const [label, r] of [
      ["empty", empty],
      [`${EMBEDDED_ROWS.toLocaleString("en")} rows (+${(EMBEDDED_ROWS / 10).toLocaleString("en")} Users)`, full],
    ] as const) {
      console.log(
        `${label.padEnd(34)} ${r.perSecond.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}   ${r.refused}`,
      );
    }
    console.log(`ratio ${(full.perSecond / empty.perSecond).toFixed(2)} (rows written in ${fillSeconds.toFixed(1)} s)`);
  } finally {
    await runner.stop();
  }
}

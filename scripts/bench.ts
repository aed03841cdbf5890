// npm run bench — prints figures, asserts nothing. Machines are shared and noisy, so read the
// ratios measured in the same run rather than absolute numbers.
//  1. Cold import of every api/ function in a fresh process (median of N), against a baseline
//     process that imports every vendor SDK the project uses.
//  2. Warm per-request latency of POST /api/reflection on the local runner (p50/p95), against
//     GET /api/health on the same server as the floor.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { postFromLoopback } from "./bench-chat.js";
import { BENCH_SECTIONS } from "./bench-sections.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const root = process.cwd();
// Every SDK the project loads for a vendor or store, plus zod and @vercel/functions, which every function uses.
const VENDOR_SDKS = [
  "airtable",
  "@upstash/redis",
  "@upstash/ratelimit",
  "better-sqlite3",
  "openai",
  "stripe",
  "@mailchimp/mailchimp_marketing",
  "@typeform/api-client",
  "zod",
  "@vercel/functions",
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (ms: number) => ms.toFixed(1).padStart(8);

function coldImportMs(specifier: string): number {
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "silent" },
  });
  return Number(out.toString().trim().split("\n").pop());
}

function apiFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? apiFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}

async function importTable(): Promise<void> {
  // The baseline resolves packages from the project, so it is a file inside it.
  const baselineSpecifier = pathToFileURL(path.join(root, "scripts", ".bench-baseline.mjs")).href;
  writeFileSync(new URL(baselineSpecifier), VENDOR_SDKS.map((sdk) => `import ${JSON.stringify(sdk)};`).join("\n"));
  const baseline = median(Array.from({ length: RUNS }, () => coldImportMs(baselineSpecifier)));
  const floor = median(Array.from({ length: RUNS }, () => coldImportMs("node:path")));
  console.log(`\nCold import, fresh process, median of ${RUNS} (ms)`);
  console.log(`${"module".padEnd(28)} ${"median".padStart(8)}   vs baseline`);
  console.log(`${"floor: node:path only".padEnd(28)} ${fmt(floor)}   ${(floor / baseline).toFixed(2)}`);
  console.log(`${"baseline: all vendor SDKs".padEnd(28)} ${fmt(baseline)}   1.00`);
  for (const file of apiFiles(path.join(root, "api")).sort()) {
    const ms = median(Array.from({ length: RUNS }, () => coldImportMs(pathToFileURL(file).href)));
    console.log(`${path.relative(root, file).padEnd(28)} ${fmt(ms)}   ${(ms / baseline).toFixed(2)}`);
  }
  rmSync(new URL(baselineSpecifier));
}

async function latencyTable(): Promise<void> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const dataDir = mkdtempSync(path.join(tmpdir(), "bench-data-"));
  const server = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("Backends:") && resolve());
      server.on("exit", () => reject(new Error("server exited")));
      setTimeout(() => reject(new Error("server did not start in 30 s")), 30_000);
    });
    const base = `http://127.0.0.1:${port}`;
    let refused = 0;
    const time = async (make: (i: number) => Promise<number>) => {
      const samples: number[] = [];
      for (let i = 0; i < REQUESTS + 20; i++) {
        const t = performance.now();
        const status = await make(i);
        if (status >= 300) refused++;
        if (i >= 20) samples.push(performance.now() - t); // the first 20 warm the server up
      }
      return samples;
    };
    const health = await time(async () => {
      const response = await fetch(`${base}/api/health`);
      await response.arrayBuffer();
      return response.status;
    });
    // The runner takes the client address from the connection (as Vercel does): requests come
    // from many loopback addresses so the per-IP limit stays out of the measurement.
    const reflection = await time((i) =>
      postFromLoopback(
        port,
        "/api/reflection",
        { healingName: `Bench ${i % 20}`, reflection: "A calm day, mostly.", milestone: "Day 7" },
        i,
      ),
    );
    if (refused) console.log(`\n! ${refused} requests were not answered 2xx: the figures below include them`);
    console.log(`\nWarm requests on the local runner (SQLite stores), ${REQUESTS} sequential requests (ms)`);
    console.log(`${"endpoint".padEnd(28)} ${"p50".padStart(8)} ${"p95".padStart(8)}`);
    console.log(`${"GET /api/health (floor)".padEnd(28)} ${fmt(percentile(health, 0.5))} ${fmt(percentile(health, 0.95))}`);
    console.log(`${"POST /api/reflection".padEnd(28)} ${fmt(percentile(reflection, 0.5))} ${fmt(percentile(reflection, 0.95))}`);
    console.log(
      `reflection overhead over the floor: p50 ${(percentile(reflection, 0.5) - percentile(health, 0.5)).toFixed(1)} ms, p95 ${(
        percentile(reflection, 0.95) - percentile(health, 0.95)
      ).toFixed(1)} ms`,
    );
  } finally {
    server.kill();
  }
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${new Date().toISOString()}`);
  await importTable();
  await latencyTable();
  for (const section of BENCH_SECTIONS.run) await section();
}

main()
  .then(() => process.exit(process.exitCode ?? 0)) // keep-alive sockets and timers must not hold the process
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });

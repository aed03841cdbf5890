// Chat benchmarks (npm run bench):
//  - overhead: POST /api/chat on the local runner against an emulated OpenAI that answers at once
//    and after 200 ms — time to the first text and to the end, p50/p95 — against calling the same
//    emulated model directly with the SDK. The target is under 15 ms p95 overhead; the bench
//    says OVER TARGET (and exits 1) when it is not.
//  - memory: the runner's RSS idle, after a run of chats, and after a pause.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { startEmulatedOpenAI, type EmulatedOpenAI } from "./bench-openai.js";

const REQUESTS = Number(process.env.BENCH_CHAT_REQUESTS ?? 200);
const MEMORY_CHATS = Number(process.env.BENCH_MEMORY_CHATS ?? 5000);
export const CHAT_OVERHEAD_TARGET_MS = 15;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (ms: number) => ms.toFixed(1).padStart(8);

interface Runner {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function startRunner(openai: EmulatedOpenAI): Promise<Runner> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "bench-chat-")),
      LOG_LEVEL: "silent",
      OPENAI_API_KEY: "sk-bench",
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_MAX_RETRIES: "0",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("Backends:") && resolve());
    child.once("exit", () => reject(new Error("server exited")));
    setTimeout(() => reject(new Error("server did not start in 30 s")), 30_000).unref();
  });
  return {
    port,
    process: child,
    stop: () => new Promise((resolve) => (child.once("exit", () => resolve()), child.kill("SIGTERM"))),
  };
}

// The runner takes the client's address from the connection (as Vercel does), so requests come
// from many loopback addresses to keep the per-IP limit out of the measurement.
// 600 addresses × 30 a minute: enough for the memory run's pace.
const agents = Array.from({ length: 600 }, (_, i) => new Agent({ keepAlive: true, localAddress: `127.1.${i >> 7}.${(i & 127) + 2}` }));

/** POST JSON from one of many loopback addresses; resolves with the status once the body is read. */
export function postFromLoopback(port: number, path: string, body: unknown, i: number): Promise<number> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent: agents[i % agents.length],
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text) },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

interface Timing {
  firstText: number;
  total: number;
}

/** One chat turn over HTTP; times to the first text (first `delta` event, or the JSON body) and to the end. */
function chatOnce(port: number, i: number, options: { stream: boolean; consent?: boolean }): Promise<Timing> {
  const body = JSON.stringify({ message: "I had a calmer morning today", healingName: `Bench ${i}`, consent: options.consent ?? false });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/chat",
        method: "POST",
        agent: agents[i % agents.length],
        headers: {
          "content-type": "application/json",
          accept: options.stream ? "text/event-stream" : "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (response) => {
        let firstText = 0;
        let text = "";
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (!firstText && (!options.stream || text.includes("event: delta"))) firstText = performance.now() - started;
        });
        response.on("end", () => {
          if (response.statusCode !== 200) return reject(new Error(`chat answered ${response.statusCode}: ${text.slice(0, 200)}`));
          resolve({ firstText, total: performance.now() - started });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function directOnce(client: OpenAI): Promise<Timing> {
  const started = performance.now();
  let firstText = 0;
  const stream = await client.chat.completions.create({
    model: "gpt-bench",
    messages: [{ role: "user", content: "I had a calmer morning today" }],
    stream: true,
    store: false,
  });
  for await (const chunk of stream) if (!firstText && chunk.choices[0]?.delta?.content) firstText = performance.now() - started;
  return { firstText, total: performance.now() - started };
}

export async function chatOverhead(): Promise<void> {
  const openai = await startEmulatedOpenAI();
  const runner = await startRunner(openai);
  const client = new OpenAI({ apiKey: "sk-bench", baseURL: openai.baseURL, maxRetries: 0 });
  let over = false;
  try {
    console.log(
      `\nChat overhead: POST /api/chat (streamed) vs the same emulated model called directly with the SDK, ${REQUESTS} turns each (ms)`,
    );
    console.log(`${"model delay / measure".padEnd(34)} ${"p50".padStart(8)} ${"p95".padStart(8)}`);
    for (const delay of [0, 200]) {
      openai.setDelay(delay);
      const direct: Timing[] = [];
      const chat: Timing[] = [];
      for (let i = 0; i < REQUESTS + 20; i++) {
        // Interleaved, so drift in the machine's load hits both alike; the first 20 warm up.
        const d = await directOnce(client);
        const c = await chatOnce(runner.port, delay * 10_000 + i, { stream: true });
        if (i >= 20) {
          direct.push(d);
          chat.push(c);
        }
      }
      for (const [label, pick] of [
        ["first text", (t: Timing) => t.firstText],
        ["total", (t: Timing) => t.total],
      ] as const) {
        const d = direct.map(pick);
        const c = chat.map(pick);
        const overhead = { p50: percentile(c, 0.5) - percentile(d, 0.5), p95: percentile(c, 0.95) - percentile(d, 0.95) };
        console.log(`${`${delay} ms · direct SDK · ${label}`.padEnd(34)} ${fmt(percentile(d, 0.5))} ${fmt(percentile(d, 0.95))}`);
        console.log(`${`${delay} ms · /api/chat · ${label}`.padEnd(34)} ${fmt(percentile(c, 0.5))} ${fmt(percentile(c, 0.95))}`);
        const verdict = overhead.p95 < CHAT_OVERHEAD_TARGET_MS ? "within target" : "OVER TARGET";
        console.log(
          `${`${delay} ms · overhead · ${label}`.padEnd(34)} ${fmt(overhead.p50)} ${fmt(overhead.p95)}   target p95 < ${CHAT_OVERHEAD_TARGET_MS}: ${verdict}`,
        );
        if (overhead.p95 >= CHAT_OVERHEAD_TARGET_MS) over = true;
      }
    }
  } finally {
    await runner.stop();
    await openai.close();
  }
  if (over) process.exitCode = 1;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.replace(/\D+/g, "") ?? 0) / 1024;
}

export async function chatMemory(): Promise<void> {
  const openai = await startEmulatedOpenAI();
  const runner = await startRunner(openai);
  try {
    const pid = runner.process.pid!;
    for (let i = 0; i < 50; i++) await chatOnce(runner.port, 900_000 + i, { stream: i % 2 === 0 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idle = rssMb(pid);
    const concurrency = 8;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < MEMORY_CHATS) {
          const i = next++;
          await chatOnce(runner.port, i, { stream: i % 2 === 0, consent: i % 3 === 0 });
        }
      }),
    );
    const after = rssMb(pid);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const rested = rssMb(pid);
    console.log(`\nLocal runner memory, ${MEMORY_CHATS} chats (half streamed, a third with consent), RSS in MB`);
    console.log(
      `idle ${idle.toFixed(0)} · after the run ${after.toFixed(0)} · 5 s later ${rested.toFixed(0)} · growth ${(rested - idle).toFixed(0)}`,
    );
  } finally {
    await runner.stop();
    await openai.close();
  }
}

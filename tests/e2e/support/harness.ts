// The E2E harness: `npm start` on a free port with a fresh data directory, and Debian's Chromium
// (CHROMIUM_PATH, default /usr/bin/chromium) driven by playwright-core. Every request a page makes
// is recorded, so a test can assert that none left the page's origin.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH?.trim() || "/usr/bin/chromium";

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningServer {
  origin: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** `npm start`, as a person runs it, with only the given variables added. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "healing-e2e-"));
  const child: ChildProcess = spawn("npm", ["start"], {
    env: { ...withoutVendorKeys(process.env), PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  // Ready when the server says it listens, told by its own output; the suite's hook timeout bounds the wait.
  await new Promise<void>((resolve, reject) => {
    const listening = `on http://localhost:${port}`;
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes(listening)) return;
      child.off("exit", exited);
      resolve();
    };
    const exited = () => reject(new Error(`npm start did not come up:\n${out}`));
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", exited);
  });
  return {
    origin: `http://localhost:${port}`,
    dataDir,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const deadline = new Promise((resolve) => setTimeout(resolve, 8000).unref()); // a bound on a hung stop, not a pause
      await Promise.race([exited, deadline]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

function withoutVendorKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const key of Object.keys(clean)) {
    if (/^(AIRTABLE_|UPSTASH_|OPENAI_|MAILCHIMP_|STRIPE_|TYPEFORM_|CRISIS_|SAFETY_|KV_|PORT$|DATA_DIR$)/.test(key)) delete clean[key];
  }
  return clean;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Debian's Chromium as root needs --no-sandbox; the rest keep it from calling Google's hosts.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** Every URL any page of every context asked for, to check that none left the origin. */
export const requested: string[] = [];

export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1280, height: 900 }, ...options });
  context.on("request", (request) => void requested.push(request.url()));
  return context;
}

export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
} satisfies BrowserContextOptions;
export const DESKTOP = { viewport: { width: 1280, height: 900 } } satisfies BrowserContextOptions;

// npm start — serve every api/ function locally on PORT (default 3000), with no credentials
// needed: missing vendor config selects the embedded SQLite stores and offline services.
// One process (`node --import tsx`, no watcher child), so a process manager's SIGTERM stops it:
// it stops accepting, lets requests and background work finish (5 s at most), then exits.
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";

import { settleBackground } from "../lib/platform/background.js";
import { createApp, loadRoutes, withClientAddress } from "../lib/platform/dev-server.js";
import { loadHeaderRules } from "../lib/platform/dev-static.js";
import { activeBackends } from "../lib/health/health.js";
import { kv } from "../lib/platform/kv/index.js";
import { demoLink } from "../lib/participants/reissue.js";
import { records } from "../lib/platform/records/index.js";
import { ensureDataKey } from "../lib/privacy/seal.js";

const SHUTDOWN_GRACE_MS = 5000;

async function main(): Promise<void> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  if (existsSync(path.join(root, ".env"))) process.loadEnvFile(path.join(root, ".env"));
  const port = Number(process.env.PORT?.trim() || 3000);
  const routes = await loadRoutes(path.join(root, "api"));
  // The key that seals conversation text: generated on the first start when DATA_ENCRYPTION_KEY is unset.
  let dataKey = "";
  try {
    const key = ensureDataKey();
    const shown = key.file && !path.relative(process.cwd(), key.file).startsWith("..") ? path.relative(process.cwd(), key.file) : key.file;
    dataKey = shown ? `${key.source} ${shown}, key ${key.keyId}` : `${key.source}, key ${key.keyId}`;
  } catch (error) {
    // An invalid key configuration is listed with the other problems below.
    dataKey = `unavailable (${error instanceof Error ? error.message : String(error)})`;
  }
  // public/ at `/`, with vercel.json's headers (the page's Content-Security-Policy among them).
  const app = createApp(routes, { publicDir: path.join(root, "public"), headers: loadHeaderRules(path.join(root, "vercel.json")) });

  const server = serve(
    {
      port,
      // Like Vercel, the client's address comes from the connection, not from what it sent.
      fetch: (request, env) => app(withClientAddress(request, env.incoming.socket.remoteAddress ?? "unknown")),
    },
    (info) => {
      const { backends, problems, warnings } = activeBackends();
      console.log(`Healing Companion backend on http://localhost:${info.port}`);
      console.log(`The companion page: http://localhost:${info.port}/ (reflections: /reflection)`);
      console.log("Routes:");
      for (const route of routes) console.log(`  ${Object.keys(route.handlers).join(",").padEnd(10)} ${route.path}`);
      console.log("Backends:");
      for (const [service, backend] of Object.entries(backends))
        console.log(`  ${service.padEnd(10)} ${service === "encryption" ? dataKey : backend}`);
      for (const problem of problems) console.log(`  ! ${problem}`);
      for (const warning of warnings) console.log(`  ! WARNING ${warning}`);
      void printDemoLink(info.port);
    },
  ) as Server;

  server.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE" || error.code === "EACCES") {
      const why = error.code === "EADDRINUSE" ? "is already in use (is another `npm start` running?)" : "needs privileges this user lacks";
      console.error(`Port ${port} ${why}.\nStop what holds it, or pick another port: PORT=${port + 1} npm start (or set PORT in .env).`);
      process.exit(1);
    }
    console.error(`The server stopped: ${error.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (finishing open requests and background work)…`);
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    server.close(() => void settleBackground().finally(() => process.exit(0)));
    server.closeIdleConnections();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** A personal link for the local demo participant, so the signed-in page is one click away. */
async function printDemoLink(port: number): Promise<void> {
  try {
    const { healingName, token } = await demoLink({ records: await records(), kv: await kv().catch(() => null) });
    console.log(`Signed in as the demo participant "${healingName}": http://localhost:${port}/?p=${token}`);
  } catch (error) {
    console.log(`  (no demo link: ${error instanceof Error ? error.message : String(error)})`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

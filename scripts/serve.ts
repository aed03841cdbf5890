// npm start — serve every api/ function locally on PORT (default 3000), with no credentials
// needed: missing vendor config selects the embedded SQLite stores and offline services.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";

import { createApp, loadRoutes } from "../lib/dev-server.js";
import { activeBackends } from "../lib/health.js";

async function main(): Promise<void> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  if (existsSync(path.join(root, ".env"))) process.loadEnvFile(path.join(root, ".env"));
  const port = Number(process.env.PORT?.trim() || 3000);
  const routes = await loadRoutes(path.join(root, "api"));
  const app = createApp(routes);

  serve(
    {
      port,
      // Like Vercel, the client's address comes from the connection, not from what it sent.
      fetch: (request, env) => {
        const headers = new Headers(request.headers);
        headers.set("x-forwarded-for", env.incoming.socket.remoteAddress ?? "unknown");
        return app(new Request(request, { headers }));
      },
    },
    (info) => {
      const { backends, problems, warnings } = activeBackends();
      console.log(`Healing Companion backend on http://localhost:${info.port}`);
      console.log("Routes:");
      for (const route of routes) console.log(`  ${Object.keys(route.handlers).join(",").padEnd(10)} ${route.path}`);
      console.log("Backends:");
      for (const [service, backend] of Object.entries(backends)) console.log(`  ${service.padEnd(10)} ${backend}`);
      for (const problem of problems) console.log(`  ! ${problem}`);
      for (const warning of warnings) console.log(`  ! WARNING ${warning}`);
    },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// The local runner behind `npm start`: serves every file under api/ at the path Vercel would
// (api/billing/webhook.ts → /api/billing/webhook) with the same Web Request/Response handlers.
// Node's http ↔ Web conversion (including streaming) is @hono/node-server's, not ours. Other paths
// are public/'s static files, and vercel.json's header rules apply to every answer (dev-static.ts).
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { errorBody } from "./http/errors.js";
import { methodNotAllowed } from "./http/handler.js";
import { json } from "./http/respond.js";
import { headersFor, serveStatic, type HeaderRule } from "./dev-static.js";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Handler = (request: Request) => Response | Promise<Response>;

export interface Route {
  path: string;
  file: string;
  handlers: Partial<Record<(typeof METHODS)[number], Handler>>;
}

/** The URL path Vercel gives a file under api/. */
export function routePath(apiDir: string, file: string): string {
  const relative = path
    .relative(apiDir, file)
    .replace(/\\/g, "/")
    .replace(/\.(ts|js|mjs)$/, "");
  return ("/api/" + relative).replace(/\/index$/, "");
}

function findFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findFiles(full);
    return /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

export async function loadRoutes(apiDir: string): Promise<Route[]> {
  const routes: Route[] = [];
  for (const file of findFiles(apiDir).sort()) {
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const handlers: Route["handlers"] = {};
    for (const method of METHODS) {
      if (typeof module[method] === "function") handlers[method] = module[method] as Handler;
    }
    routes.push({ path: routePath(apiDir, file), file, handlers });
  }
  return routes;
}

/**
 * A fetch handler over the routes: 404 for unknown paths, 405 + Allow for unexported methods.
 * With `publicDir`, other paths are its static files; `headers` (vercel.json's rules) are added to every answer.
 */
export function createApp(
  routes: Route[],
  options: { publicDir?: string; headers?: HeaderRule[] } = {},
): (request: Request) => Promise<Response> {
  const byPath = new Map(routes.map((route) => [route.path, route]));
  const rules = options.headers ?? [];
  const answer = async (request: Request, pathname: string): Promise<Response> => {
    const route = byPath.get(pathname.replace(/\/+$/, "") || "/");
    if (!route) {
      const file = options.publicDir && !pathname.startsWith("/api/") ? await serveStatic(options.publicDir, request) : null;
      return file ?? json(errorBody("not_found", `No endpoint at ${pathname}.`), { status: 404 });
    }
    const handler = route.handlers[request.method as (typeof METHODS)[number]];
    if (!handler) return methodNotAllowed(Object.keys(route.handlers));
    return handler(request);
  };
  return async (request) => {
    const { pathname } = new URL(request.url);
    const response = await answer(request, pathname);
    const extra = headersFor(rules, pathname);
    if (!Object.keys(extra).length) return response;
    const headers = new Headers(response.headers);
    for (const [key, value] of Object.entries(extra)) headers.set(key, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * Like Vercel, the client's address comes from the connection, not from what it sent: set
 * x-forwarded-for to it. @hono/node-server hands over a lightweight request whose headers are
 * mutable until the body is read, so the header is set in place instead of building a second
 * Request per call (each one, with its abort signal, waits on a FinalizationRegistry before it
 * can be freed, which kept the runner's memory high after a burst of requests).
 */
export function withClientAddress(request: Request, address: string): Request {
  try {
    request.headers.set("x-forwarded-for", address);
    return request;
  } catch {
    // Immutable headers (a standard Request): not a failure, the slower way instead.
    const headers = new Headers(request.headers);
    headers.set("x-forwarded-for", address);
    return new Request(request, { headers });
  }
}

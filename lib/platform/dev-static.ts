// The local runner's half of what Vercel does outside functions: serve public/ as static files
// (`/` → index.html, `/reflection` → reflection/index.html) and add the `headers` rules of
// vercel.json to every answer, so the page runs under the same Content-Security-Policy locally
// as it does when deployed. Only the path patterns vercel.json uses are understood:
// literal text, `(regex)` groups and `:name` segments.
import { readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface HeaderRule {
  source: string;
  headers: { key: string; value: string }[];
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/** A Vercel `source` pattern as an anchored RegExp. */
export function sourceToRegExp(source: string): RegExp {
  let pattern = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "(") {
      // A regex group, copied as it is up to its matching parenthesis.
      let depth = 0;
      let j = i;
      for (; j < source.length; j++) {
        if (source[j] === "(") depth++;
        else if (source[j] === ")" && --depth === 0) break;
      }
      pattern += source.slice(i, j + 1);
      i = j;
    } else if (c === ":" && /[A-Za-z_]/.test(source[i + 1] ?? "")) {
      while (/\w/.test(source[i + 1] ?? "")) i++;
      pattern += "([^/]+)";
    } else pattern += c.replace(/[.+?^${}|[\]\\*]/g, "\\$&");
  }
  return new RegExp(`^${pattern}$`);
}

/** The `headers` rules of vercel.json, as the local runner applies them. */
export function loadHeaderRules(vercelJsonPath: string): HeaderRule[] {
  const config = JSON.parse(readFileSync(vercelJsonPath, "utf8")) as { headers?: HeaderRule[] };
  return config.headers ?? [];
}

/** Every header whose rule matches the path; later rules win, as on Vercel. */
export function headersFor(rules: HeaderRule[], pathname: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const rule of rules) {
    if (!sourceToRegExp(rule.source).test(pathname)) continue;
    for (const { key, value } of rule.headers) headers[key.toLowerCase()] = value;
  }
  return headers;
}

/** The file under publicDir a path names (a folder gives its index.html), or null. Never outside publicDir. */
export function staticFile(publicDir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // A malformed %-escape names no file: 404.
    return null;
  }
  const root = path.resolve(publicDir);
  const candidate = path.resolve(root, "." + path.posix.normalize(decoded));
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return null;
  for (const file of [candidate, path.join(candidate, "index.html")]) {
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not there; try the next
    }
  }
  return null;
}

/** A static file answer, or null when there is no such file. */
export async function serveStatic(publicDir: string, request: Request): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const file = staticFile(publicDir, new URL(request.url).pathname);
  if (!file) return null;
  const body = await readFile(file);
  const type = CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream";
  return new Response(request.method === "HEAD" ? null : body, {
    headers: { "content-type": type, "content-length": String(body.length), "cache-control": "no-cache" },
  });
}

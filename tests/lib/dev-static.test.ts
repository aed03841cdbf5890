// The local runner serves public/ under vercel.json's headers, so the page runs under the same
// Content-Security-Policy on `npm start` as on Vercel.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createApp, loadRoutes } from "../../lib/platform/dev-server.js";
import { headersFor, loadHeaderRules, sourceToRegExp, staticFile } from "../../lib/platform/dev-static.js";

const PUBLIC = path.resolve("public");
const RULES = loadHeaderRules(path.resolve("vercel.json"));

describe("the local runner's static files and headers", () => {
  it.each([
    ["/(.*)", "/", true],
    ["/(.*)", "/reflection", true],
    ["/api/(.*)", "/api/health", true],
    ["/api/(.*)", "/reflection", false],
    ["/api/:name", "/api/chat", true],
    ["/api/:name", "/api/a/b", false],
    ["/robots.txt", "/robotsXtxt", false],
  ])("reads the Vercel source %s as matching %s: %s", (source, pathname, expected) => {
    expect(sourceToRegExp(source).test(pathname)).toBe(expected);
  });

  it.each([
    ["/", "index.html"],
    ["/reflection", "reflection/index.html"],
    ["/reflection/", "reflection/index.html"],
    ["/js/chat.js", "js/chat.js"],
  ])("serves %s from public/%s", (pathname, file) => {
    expect(staticFile(PUBLIC, pathname)).toBe(path.join(PUBLIC, file));
  });

  it.each(["/../package.json", "/%2e%2e/package.json", "/js/../../vercel.json", "/nothing-here.html", "/%E0%A4%A"])(
    "never serves %s",
    (pathname) => {
      expect(staticFile(PUBLIC, pathname)).toBeNull();
    },
  );

  it("answers the page with vercel.json's Content-Security-Policy, and the API keeps its own headers", async () => {
    const app = createApp(await loadRoutes(path.resolve("api")), { publicDir: PUBLIC, headers: RULES });
    const page = await app(new Request("http://localhost/"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toBe(headersFor(RULES, "/")["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(await page.text()).toContain('<script type="module" src="/js/crisis.js"></script>');

    const script = await app(new Request("http://localhost/js/crisis.js"));
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");

    const api = await app(new Request("http://localhost/api/health"));
    expect(api.headers.get("x-robots-tag")).toBe("noindex");
    expect(api.headers.get("content-type")).toContain("application/json");

    const missing = await app(new Request("http://localhost/api/nothing"));
    expect(missing.status).toBe(404);
  });

  it("keeps every page free of inline scripts, inline styles and third-party URLs the CSP would block", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    const files = readdirSync(PUBLIC, { recursive: true, withFileTypes: true }).filter(
      (f) => f.isFile() && /\.(html|js|css)$/.test(f.name),
    );
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files) {
      const text = readFileSync(path.join(file.parentPath, file.name), "utf8");
      if (file.name.endsWith(".html")) {
        expect(text, file.name).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
        expect(text, file.name).not.toMatch(/\sstyle=|<style|\son\w+=/);
        expect(text, file.name).not.toMatch(/(src|href)="https?:\/\/(?!findahelpline\.com)/);
      } else expect(text, file.name).not.toMatch(/(import|url\()\s*\(?["']https?:/);
    }
  });
});

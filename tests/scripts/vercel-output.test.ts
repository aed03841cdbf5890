import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiFiles, assignFunctionPatterns, checkVercelOutput, globToRegExp, type VercelJson } from "../../scripts/vercel-output.js";

const repoConfig = JSON.parse(readFileSync("vercel.json", "utf8")) as VercelJson;

describe("vercel.json", () => {
  it("gives every functions pattern at least one api file (vercel build fails otherwise)", () => {
    expect(assignFunctionPatterns(repoConfig, apiFiles(".")).unmatched).toEqual([]);
  });

  it("gives the cron functions their longer maxDuration and every other function the default", () => {
    const { byFile } = assignFunctionPatterns(repoConfig, apiFiles("."));
    expect(repoConfig.functions?.[byFile.get("api/cron/drain.ts")!]?.maxDuration).toBe(120);
    expect(repoConfig.functions?.[byFile.get("api/chat.ts")!]?.maxDuration).toBe(30);
    expect(repoConfig.functions?.[byFile.get("api/billing/webhook.ts")!]?.maxDuration).toBe(30);
  });

  it("schedules only paths that are api files", () => {
    const files = apiFiles(".").map((file) => "/" + file.replace(/\.ts$/, ""));
    expect(repoConfig.crons?.length).toBeGreaterThan(0);
    for (const cron of repoConfig.crons ?? []) expect(files).toContain(cron.path);
  });

  it.each([
    ["api/**/*.ts", "api/chat.ts", true],
    ["api/**/*.ts", "api/cron/drain.ts", true],
    ["api/cron/*.ts", "api/cron/drain.ts", true],
    ["api/cron/*.ts", "api/chat.ts", false],
    ["api/*.ts", "api/intake/typeform.ts", false],
  ])("matches %s against %s like Vercel (%s)", (glob, file, matches) => {
    expect(globToRegExp(glob).test(file)).toBe(matches);
  });
});

describe("checkVercelOutput", () => {
  const PAGE = ["index.html", "reflection/index.html", "js/chat.js"];
  function fakeRepo(options: { skipFunction?: string; cronInOutput?: boolean; staticFiles?: string[]; withoutCsp?: boolean } = {}) {
    const root = mkdtempSync(path.join(tmpdir(), "vercel-out-"));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    };
    write("vercel.json", JSON.stringify(repoConfig));
    for (const file of ["api/chat.ts", "api/cron/drain.ts"]) {
      write(file, "export {}");
      const name = file.replace(/\.ts$/, "");
      if (name === options.skipFunction) continue;
      write(
        `.vercel/output/functions/${name}.func/.vc-config.json`,
        JSON.stringify({ handler: `${name}.js`, runtime: "nodejs22.x", maxDuration: name.includes("cron") ? 120 : 30 }),
      );
    }
    // Each headers rule as vercel build writes it: a route with the source as a regex.
    const routes = repoConfig.headers!.map((rule) => ({
      src: `^${rule.source.replace(/^\/api\/\(\.\*\)$/, "/api(?:/(.*))").replace(/^\/\(\.\*\)$/, "(?:/(.*))")}$`,
      headers: Object.fromEntries(
        rule.headers.filter(({ key }) => !(options.withoutCsp && key === "Content-Security-Policy")).map(({ key, value }) => [key, value]),
      ),
      continue: true,
    }));
    write(".vercel/output/config.json", JSON.stringify({ routes, crons: options.cronInOutput === false ? [] : repoConfig.crons }));
    for (const file of PAGE) write(`public/${file}`, "x");
    for (const file of options.staticFiles ?? ["robots.txt", ...PAGE]) write(`.vercel/output/static/${file}`, "x");
    return root;
  }

  it("finds nothing wrong with a complete output", () => {
    expect(checkVercelOutput(fakeRepo())).toEqual([]);
  });

  it("names an api file with no function, a missing cron and published sources", () => {
    const root = fakeRepo({
      skipFunction: "api/cron/drain",
      cronInOutput: false,
      staticFiles: ["robots.txt", "index.html", "reflection/index.html", "js/chat.js", "tests/api/chat.test.ts"],
    });
    expect(checkVercelOutput(root)).toEqual([
      "no function built for api/cron/drain.ts",
      "cron /api/cron/drain (*/5 * * * *) missing from the output",
      "source files published as static assets: tests/api/chat.test.ts",
    ]);
  });

  it("names a page file missing from the static output and a page without the Content-Security-Policy", () => {
    const root = fakeRepo({ staticFiles: ["robots.txt", "index.html", "js/chat.js"], withoutCsp: true });
    expect(checkVercelOutput(root)).toEqual([
      "header Content-Security-Policy for /(.*) missing from the output routes",
      "public/reflection/index.html is not in the static output",
      "the Content-Security-Policy does not apply to /",
      "the Content-Security-Policy does not apply to /reflection",
      "the Content-Security-Policy does not apply to /js/chat.js",
    ]);
  });
});

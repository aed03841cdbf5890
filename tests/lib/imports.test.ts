// The crisis path must load no vendor SDK: walk the static import graph of api/crisis.ts and of
// the chat hard-stop modules. Dynamic import() of a vendor module (only when it is configured) is fine.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const VENDOR_SDKS = ["airtable", "openai", "@upstash/redis", "@upstash/ratelimit", "stripe", "@mailchimp/mailchimp_marketing", "@typeform/api-client", "better-sqlite3"];

function staticImports(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const match of source.matchAll(/^import\s+(?!type\b)(?:[^'"]*?from\s+)?["']([^"']+)["']/gm)) {
    const specifier = match[1]!;
    if (specifier.startsWith(".")) {
      const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts"));
      for (const p of staticImports(target, seen)) packages.add(p);
    } else packages.add(specifier);
  }
  return packages;
}

describe("cold import of the crisis path", () => {
  it.each(["api/crisis.ts", "lib/safety/screen.ts", "lib/safety/reply.ts"])("%s statically imports no vendor SDK", (file) => {
    const packages = [...staticImports(path.resolve(file))];
    expect(packages.filter((p) => VENDOR_SDKS.includes(p))).toEqual([]);
  });

  it("does see a vendor SDK where one is imported (the walk works)", () => {
    expect([...staticImports(path.resolve("lib/records/airtable.ts"))]).toContain("airtable");
    expect([...staticImports(path.resolve("lib/kv/upstash.ts"))]).toContain("@upstash/redis");
  });

  it("the screen itself imports nothing but its own modules", () => {
    expect([...staticImports(path.resolve("lib/safety/screen.ts"))]).toEqual([]);
  });
});

// Imports flow one way: api → lib, scripts → lib/api; the page's own modules stand alone. Each
// vendor SDK is imported only by the modules listed here (a new importer fails this test: give
// it a reason in review, then list it).
const SOURCE_DIRS = ["api", "lib", "scripts", "public/js"];

const SDK_IMPORTERS: Record<string, string[]> = {
  openai: ["lib/companion/openai.ts", "lib/safety/judge.ts", "scripts/bench-chat.ts"],
  airtable: ["lib/records/airtable.ts"],
  "@upstash/redis": ["lib/kv/upstash.ts"],
  "@upstash/ratelimit": ["lib/ratelimit.ts"],
  stripe: ["lib/billing.ts", "scripts/local-events.ts"],
  "@mailchimp/mailchimp_marketing": ["lib/mailchimp.ts"],
  "@typeform/api-client": ["lib/typeform-setup.ts"],
  "@vercel/functions": ["lib/background.ts"],
  "@hono/node-server": ["scripts/serve.ts"],
  "better-sqlite3": ["lib/records/sqlite.ts", "lib/sqlite.ts", "scripts/bench-burst.ts"],
};

/**
 * Every module specifier a source text names: static imports and re-exports (type-only ones
 * too), side-effect imports, import() of a literal, and import() of a constant holding one.
 */
function specifiersOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm)) found.push(m[1]!);
  for (const m of source.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) found.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*(\w+)\s*\)/g)) {
    const constant = new RegExp(`\\bconst\\s+${m[1]}\\s*=\\s*["']([^"']+)["']`).exec(source);
    if (constant) found.push(constant[1]!);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|js|mjs)$/.test(file) && !file.endsWith(".d.ts"))
    .map((file) => path.posix.join(dir, file.split(path.sep).join("/")));
}

/** Each source file with what it imports: a repo path for a relative import, the package name otherwise. */
const IMPORTS = new Map(
  SOURCE_DIRS.flatMap(sourceFiles).map((file) => [
    file,
    specifiersOf(readFileSync(file, "utf8")).map((specifier) =>
      specifier.startsWith(".")
        ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))
        : (/^(@[^/]+\/[^/]+|[^/]+)/.exec(specifier)?.[1] ?? specifier),
    ),
  ]),
);

function importersOf(predicate: (target: string) => boolean, from: (file: string) => boolean): string[] {
  return [...IMPORTS].filter(([file, targets]) => from(file) && targets.some(predicate)).map(([file]) => file);
}

describe("import direction", () => {
  it("reads every kind of import, and resolves relative ones", () => {
    const source = [
      'import { a } from "../api/chat.js";',
      "import type {\n  B,\n} from 'stripe';",
      'export * from "./x.js";',
      'import "airtable";',
      'const m = await import("openai/helpers/zod");',
      'const specifier = "@typeform/api-client";\nawait import(specifier);',
    ].join("\n");
    expect(specifiersOf(source)).toEqual(["../api/chat.js", "stripe", "./x.js", "airtable", "openai/helpers/zod", "@typeform/api-client"]);
    expect(IMPORTS.get("api/chat.ts")).toContain("lib/http/handler.js");
    expect(importersOf((t) => t === "airtable", () => true)).toEqual(["lib/records/airtable.ts"]);
  });

  it("lib never imports api/, scripts/ or tests/", () => {
    expect(importersOf((t) => /^(api|scripts|tests)\//.test(t), (f) => f.startsWith("lib/"))).toEqual([]);
  });

  it("api never imports scripts/ or tests/", () => {
    expect(importersOf((t) => /^(scripts|tests)\//.test(t), (f) => f.startsWith("api/"))).toEqual([]);
  });

  it("the page's modules (public/js) import only each other: nothing from lib, no packages", () => {
    const files = [...IMPORTS.keys()].filter((f) => f.startsWith("public/js/"));
    expect(files.length).toBeGreaterThan(0);
    expect(importersOf((t) => !t.startsWith("public/js/"), (f) => f.startsWith("public/js/"))).toEqual([]);
  });

  it.each(Object.entries(SDK_IMPORTERS))("%s is imported only where it is today", (sdk, allowed) => {
    expect(importersOf((t) => t === sdk, () => true).sort()).toEqual([...allowed].sort());
  });
});

// The crisis path must load no vendor SDK: walk the static import graph of api/crisis.ts and of
// the chat hard-stop modules. Dynamic import() of a vendor module (only when it is configured) is fine.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const VENDOR_SDKS = [
  "airtable",
  "openai",
  "@upstash/redis",
  "@upstash/ratelimit",
  "stripe",
  "@mailchimp/mailchimp_marketing",
  "@typeform/api-client",
  "better-sqlite3",
];

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
    expect([...staticImports(path.resolve("lib/vendors/airtable/records.ts"))]).toContain("airtable");
    expect([...staticImports(path.resolve("lib/vendors/upstash/kv.ts"))]).toContain("@upstash/redis");
  });

  it("the screen itself imports nothing but its own modules", () => {
    expect([...staticImports(path.resolve("lib/safety/screen.ts"))]).toEqual([]);
  });
});

// Imports flow one way: api → features (lib/<feature>/) → platform (lib/platform/) and vendors
// (lib/vendors/<name>/); scripts → lib/api; the page's own modules stand alone. Platform may pick a
// vendor implementation (the store factories); a vendor never imports a feature or another vendor.
// Each vendor SDK is imported from exactly one folder (scripts that act as a provider's client
// against the local runner are listed by name).
const SOURCE_DIRS = ["api", "lib", "scripts", "public/js"];

const SDK_HOME: Record<string, { folder: string; scripts?: string[] }> = {
  openai: { folder: "lib/vendors/openai/", scripts: ["scripts/bench-chat.ts"] },
  airtable: { folder: "lib/vendors/airtable/" },
  "@upstash/redis": { folder: "lib/vendors/upstash/" },
  "@upstash/ratelimit": { folder: "lib/vendors/upstash/" },
  stripe: { folder: "lib/vendors/stripe/", scripts: ["scripts/local-events.ts"] },
  "@mailchimp/mailchimp_marketing": { folder: "lib/vendors/mailchimp/" },
  "@typeform/api-client": { folder: "lib/vendors/typeform/" },
  "@vercel/functions": { folder: "lib/platform/" },
  "@hono/node-server": { folder: "scripts/", scripts: [] },
  "better-sqlite3": { folder: "lib/platform/", scripts: ["scripts/bench-burst.ts"] },
};

type Layer = { kind: "api" | "platform" | "scripts" | "public" | "other" } | { kind: "feature" | "vendor"; name: string };

/** Which part of the layout a repo path belongs to. */
function layerOf(file: string): Layer {
  if (file.startsWith("api/")) return { kind: "api" };
  if (file.startsWith("scripts/")) return { kind: "scripts" };
  if (file.startsWith("public/")) return { kind: "public" };
  if (file.startsWith("lib/platform/")) return { kind: "platform" };
  const vendor = /^lib\/vendors\/([^/]+)\//.exec(file);
  if (vendor) return { kind: "vendor", name: vendor[1]! };
  const feature = /^lib\/([^/]+)\//.exec(file);
  if (feature) return { kind: "feature", name: feature[1]! };
  return { kind: "other" };
}

/** Every import that goes against the flow, as "importer → imported". */
function backwardImports(imports: Map<string, string[]>): string[] {
  const wrong: string[] = [];
  for (const [file, targets] of imports) {
    const from = layerOf(file);
    for (const target of targets.filter((t) => /^(api|lib|scripts|tests)\//.test(t) && !SHARED_VOCABULARY.has(t.replace(/\.js$/, ".ts")))) {
      const to = layerOf(target);
      const backwards =
        (file.startsWith("lib/") && /^(api|scripts|tests)\//.test(target)) ||
        (from.kind === "api" && /^(scripts|tests)\//.test(target)) ||
        (from.kind === "platform" && to.kind === "feature") ||
        (from.kind === "vendor" && (to.kind === "feature" || (to.kind === "vendor" && to.name !== from.name))) ||
        (lib(file) && !lib(target) && target.startsWith("lib/"));
      if (backwards) wrong.push(`${file} → ${target}`);
    }
  }
  return wrong;
}
const lib = (file: string) => layerOf(file).kind !== "other";
// The one vocabulary every part speaks (the safety levels): a list of words, importable from anywhere.
const SHARED_VOCABULARY = new Set(["lib/safety/levels.ts"]);

/** Files that import `sdk` from outside its one home (less the scripts listed by name). */
function strayImporters(imports: Map<string, string[]>, sdk: string): string[] {
  const home = SDK_HOME[sdk]!;
  return [...imports]
    .filter(([file, targets]) => targets.includes(sdk) && !file.startsWith(home.folder) && !(home.scripts ?? []).includes(file))
    .map(([file]) => file);
}

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
    expect(IMPORTS.get("api/chat.ts")).toContain("lib/platform/http/handler.js");
    expect(
      importersOf(
        (t) => t === "airtable",
        () => true,
      ),
    ).toEqual(["lib/vendors/airtable/records.ts"]);
  });

  it("nothing imports against the flow (api → features → platform/vendors)", () => {
    expect(backwardImports(IMPORTS)).toEqual([]);
  });

  it("the check fails on a backwards import of each kind", () => {
    const fake = new Map([
      ["lib/platform/log.ts", ["lib/billing/billing.ts"]],
      ["lib/vendors/stripe/stripe.ts", ["lib/billing/billing.ts", "lib/vendors/mailchimp/mailchimp.ts", "lib/platform/log.ts"]],
      [
        "lib/billing/billing.ts",
        ["api/billing/webhook.ts", "lib/platform/log.ts", "lib/vendors/stripe/stripe.ts", "lib/journeys/journeys.ts"],
      ],
      ["api/chat.ts", ["tests/support/msw.ts", "lib/companion/chat.ts"]],
      ["lib/loose.ts", ["lib/platform/log.ts"]],
    ]);
    expect(backwardImports(fake)).toEqual([
      "lib/platform/log.ts → lib/billing/billing.ts",
      "lib/vendors/stripe/stripe.ts → lib/billing/billing.ts",
      "lib/vendors/stripe/stripe.ts → lib/vendors/mailchimp/mailchimp.ts",
      "lib/billing/billing.ts → api/billing/webhook.ts",
      "api/chat.ts → tests/support/msw.ts",
    ]);
    expect(strayImporters(new Map([["lib/billing/billing.ts", ["stripe"]]]), "stripe")).toEqual(["lib/billing/billing.ts"]);
  });

  it("every lib module sits in a feature, platform or vendor folder", () => {
    expect([...IMPORTS.keys()].filter((f) => f.startsWith("lib/") && layerOf(f).kind === "other")).toEqual([]);
  });

  it("the page's modules (public/js) import only each other: nothing from lib, no packages", () => {
    const files = [...IMPORTS.keys()].filter((f) => f.startsWith("public/js/"));
    expect(files.length).toBeGreaterThan(0);
    expect(
      importersOf(
        (t) => !t.startsWith("public/js/"),
        (f) => f.startsWith("public/js/"),
      ),
    ).toEqual([]);
  });

  it.each(Object.keys(SDK_HOME))("%s is imported from exactly one folder", (sdk) => {
    expect(
      importersOf(
        (t) => t === sdk,
        () => true,
      ).length,
    ).toBeGreaterThan(0);
    expect(strayImporters(IMPORTS, sdk)).toEqual([]);
  });
});

// The crisis path must load no vendor SDK: walk the static import graph of api/crisis.ts and of
// the chat hard-stop modules. Dynamic import() of a vendor module (only when it is configured) is fine.
import { readFileSync } from "node:fs";
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

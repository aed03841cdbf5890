// The crisis path loads its own code and nothing else: no vendor SDK, no validation library. A
// person at risk gets the answer from the lightest function even when a dependency is broken, and
// its cold start stays the shortest (`npm run bench` times it).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(".");
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;

/** Every module api/crisis.ts loads at import time (dynamic `import()` excluded: that loads on use). */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(STATIC_IMPORT)) {
      if (spec!.startsWith(".")) visit(path.resolve(path.dirname(file), spec!.replace(/\.js$/, ".ts")));
      else if (!spec!.startsWith("node:")) packages.add(spec!);
    }
  };
  visit(path.join(root, entry));
  return { files, packages };
}

describe("the crisis path", () => {
  it("imports no package at load time but the platform's waitUntil", () => {
    const { files, packages } = staticGraph("api/crisis.ts");
    expect(files.size).toBeGreaterThan(10); // the walk really followed the imports
    expect([...files].some((f) => f.endsWith(path.join("safety", "screen.ts")))).toBe(true);
    expect([...packages].sort()).toEqual(["@vercel/functions"]);
  });
});

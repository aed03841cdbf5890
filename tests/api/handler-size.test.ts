// Handlers stay thin: parse, call one feature function, respond. Behaviour lives in lib/, where it
// is testable without HTTP; an api file that grows past 40 lines fails here.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const MAX_LINES = 40;
const files = readdirSync("api", { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts"))
  .map((file) => path.posix.join("api", file.split(path.sep).join("/")));

const lineCount = (source: string) => source.replace(/\n$/, "").split("\n").length;

describe("api handlers", () => {
  it("finds every handler", () => {
    expect(files).toContain("api/chat.ts");
    expect(files).toContain("api/intake/typeform.ts");
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it("counts lines the way an editor does", () => {
    expect(lineCount("a\nb\n")).toBe(2);
    expect(lineCount("a\nb")).toBe(2);
    expect(lineCount("x\n".repeat(41))).toBeGreaterThan(MAX_LINES);
  });

  it.each(files)(`%s has at most ${MAX_LINES} lines`, (file) => {
    expect(lineCount(readFileSync(file, "utf8"))).toBeLessThanOrEqual(MAX_LINES);
  });
});

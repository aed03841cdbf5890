// Configuration reaches the code through one object, the function's deps (lib/platform/deps.ts):
// lib/ and api/ never read process.env themselves, tests build deps instead of writing it, and no
// test waits a guessed amount of time.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defineConfig, lazyAsync } from "../../lib/platform/config/env.js";
import { createDeps, deps, installDeps } from "../../lib/platform/deps.js";
import { records, recordsBackend } from "../../lib/platform/records/index.js";
import { z } from "zod";
import { APP_VARIABLE, useEnv } from "../support/env.js";

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => pattern.test(file))
    .map((file) => path.join(dir, file));
}

// Any assignment to a variable, deleting one, the reflective ways of setting one, taking the
// object under another name (then written through it), and vitest's stubEnv.
const ENV_WRITE =
  /process\.env(\.\w+|\[[^\]]+\])\s*(=(?!=)|[-+*/%&|^]=|\?\?=|&&=|\|\|=)|delete\s+process\.env|(Object\.assign|Object\.defineProperty|Reflect\.set|Reflect\.defineProperty)\(\s*process\.env|process\.env\s*=(?!=)|=\s*process\.env\s*;|stubEnv\(/;
// Awaiting a timer for its own sake, or Playwright's fixed wait. Emulators are exempt: a vendor that
// answers late is the behaviour under test there, and the code's own timeout ends the wait.
const SLEEP =
  /await\s+new\s+Promise\s*(<[^>]*>)?\(\s*\(?[\w\s,:<>]*\)?\s*=>\s*\{?\s*(void\s+)?setTimeout\(|waitForTimeout\(|await\s+(sleep|delay|setTimeout|scheduler\.wait)\(/;
// A whole-line comment is not code; a "//" inside a string (a URL) does not start one.
const code = (file: string) => readFileSync(file, "utf8").replace(/^\s*\/\/.*$/gm, "");
const EMULATOR = /(-emulator|fake-openai)\.ts$/;

describe("deps: configuration as one object", () => {
  it("no file in lib/ or api/ reads process.env except lib/platform/deps.ts", () => {
    const readers = [...files("lib", /\.ts$/), ...files("api", /\.ts$/)]
      .filter((file) => readFileSync(file, "utf8").includes("process.env"))
      .map((file) => file.split(path.sep).join("/"));
    expect(readers).toEqual(["lib/platform/deps.ts"]);
  });

  it("no test writes process.env", () => {
    const writers = files("tests", /\.ts$/).filter((file) => ENV_WRITE.test(code(file)));
    expect(writers.filter((file) => !file.endsWith("deps.test.ts"))).toEqual([]);
  });

  it("no test sleeps: waits are on events, fake timers or the code's own timeouts", () => {
    const sleepers = files("tests", /\.ts$/).filter((file) => !EMULATOR.test(file) && SLEEP.test(code(file)));
    expect(sleepers.filter((file) => !file.endsWith("deps.test.ts"))).toEqual([]);
  });

  it("a spawned server or script gets none of the app's variables from the shell, only the test's", () => {
    const read = new Set<string>();
    for (const file of files("lib", /\.ts$/)) {
      const source = readFileSync(file, "utf8");
      for (const [, name] of source.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):/gm)) read.add(name!);
      for (const [, name] of source.matchAll(/envValue\("([A-Z0-9_]+)"\)/g)) read.add(name!);
    }
    expect(read.size).toBeGreaterThan(50);
    expect([...read].filter((name) => !APP_VARIABLE.test(name))).toEqual([]);
  });

  it("the two checks recognise what they forbid (self-check)", () => {
    for (const write of [
      'process.env.X = "1"',
      'process.env["X"] = v',
      "delete process.env.X",
      "Object.assign(process.env, {})",
      'vi.stubEnv("X", "1")',
      'process.env.X += "1"',
      'process.env.X &&= "1"',
      'Reflect.set(process.env, "X", "1")',
      'Object.defineProperty(process.env, "X", { value: "1" })',
      "const env = process.env;",
      'const u = "http://x"; process.env.X = u;',
    ])
      expect(ENV_WRITE.test(write), write).toBe(true);
    for (const read of ["process.env.X === undefined", "const a = process.env.X", "{ ...process.env }"])
      expect(ENV_WRITE.test(read), read).toBe(false);
    for (const sleep of [
      "await new Promise((resolve) => setTimeout(resolve, 50))",
      "await new Promise((r) => setTimeout(r, 5))",
      "await page.waitForTimeout(1000)",
      "await new Promise<void>((resolve) => setTimeout(resolve, 50))",
      "await new Promise((resolve) => { setTimeout(resolve, 50); })",
      "await setTimeout(50)",
      "await sleep(50)",
    ])
      expect(SLEEP.test(sleep), sleep).toBe(true);
    expect(SLEEP.test("const deadline = new Promise((resolve) => setTimeout(resolve, 8000).unref())")).toBe(false);
    expect(SLEEP.test("await new Promise<void>((resolve, reject) => {\n    const listening = 1;")).toBe(false);
  });

  it("each deps object parses its own configuration and builds its own stores, once", async () => {
    useEnv({ AIRTABLE_API_KEY: "patTEST.value", AIRTABLE_BASE_ID: "appABCDEFGHIJKLMN" });
    const airtable = deps();
    expect(recordsBackend()).toBe("airtable");
    const store = await records();
    expect(await records()).toBe(store); // built once for these deps

    useEnv({ AIRTABLE_API_KEY: undefined, AIRTABLE_BASE_ID: undefined });
    expect(recordsBackend()).toBe("sqlite");
    expect(await records()).not.toBe(store);

    installDeps(airtable); // the first deps kept what they built
    expect(recordsBackend()).toBe("airtable");
    expect(await records()).toBe(store);
  });

  it("reads values trimmed, a blank one as unset, and keeps a configuration error with its deps", () => {
    const config = defineConfig("example", z.object({ EXAMPLE_LIMIT: z.coerce.number().int().max(10).default(3) }));
    installDeps(createDeps({ EXAMPLE_LIMIT: " 7\n" }));
    expect(config.load().EXAMPLE_LIMIT).toBe(7);
    installDeps(createDeps({ EXAMPLE_LIMIT: "  " }));
    expect(config.load().EXAMPLE_LIMIT).toBe(3);
    const broken = installDeps(createDeps({ EXAMPLE_LIMIT: "99" }));
    expect(() => config.load()).toThrow(/EXAMPLE_LIMIT/);
    expect(() => config.load()).toThrow(/EXAMPLE_LIMIT/);
    installDeps(createDeps({ EXAMPLE_LIMIT: "9" }));
    expect(config.load().EXAMPLE_LIMIT).toBe(9);
    installDeps(broken);
    expect(() => config.load()).toThrow(/EXAMPLE_LIMIT/);
  });

  it("does not keep a failed build: the next use tries again", async () => {
    let attempts = 0;
    const client = lazyAsync(async () => {
      attempts++;
      if (attempts === 1) throw new Error("vendor down");
      return { attempt: attempts };
    });
    await expect(client()).rejects.toThrow("vendor down");
    expect(await client()).toEqual({ attempt: 2 });
    expect(await client()).toEqual({ attempt: 2 });
    expect(attempts).toBe(2);
  });

  it("keeps a double swapped in while a build was failing", async () => {
    let fail!: (error: Error) => void;
    const client = lazyAsync(() => new Promise<{ name: string }>((_resolve, reject) => (fail = reject)));
    const building = client();
    client.set({ name: "double" });
    fail(new Error("vendor down"));
    await expect(building).rejects.toThrow("vendor down");
    expect(await client()).toEqual({ name: "double" });
  });
});

// The README's examples are the documented contract: every `curl` against localhost:3000 that is
// followed by a `# [status] {json}` line is run against the real handlers, and the answer must
// match it exactly, key for key. In the documented JSON, "…" stands for any value, a string
// with "…" in it for any string with that start and end, "<name>" for any string, and […] for
// any array.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { settleBackground } from "../../lib/platform/background.js";
import { POST as reflection } from "../../api/reflection.js";
import { createApp, loadRoutes } from "../../lib/platform/dev-server.js";
import { setKvForTesting } from "../../lib/platform/kv/index.js";
import { setRecordsForTesting } from "../../lib/platform/records/index.js";
import { airtableEmulator, TEST_BASE_ID, TEST_TOKEN } from "../support/airtable-emulator.js";
import { brokenKv, brokenRecords } from "../support/broken.js";
import { postJson } from "../support/http.js";
import { server } from "../support/msw.js";
import { useEnv } from "../support/env.js";

const README = readFileSync("README.md", "utf8");

interface Example {
  line: number;
  command: string;
  status?: number;
  expected: unknown;
}

/** Shell words of one command, with quotes and line continuations as sh reads them. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "\\" && command[i + 1] === "\n") {
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      current += command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = command.indexOf('"', i + 1);
      current += command.slice(i + 1, end).replace(/\$\w+/g, "");
      i = end;
    } else current += c;
  }
  if (inWord) words.push(current);
  return words;
}

function readmeExamples(): Example[] {
  const examples: Example[] = [];
  const lines = README.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith("curl ")) continue;
    let command = lines[i]!;
    let j = i;
    while (lines[j]!.endsWith("\\")) command += "\n" + lines[++j]!;
    const answer = /^# (?:(\d{3}) )?(\{.*\})$/.exec(lines[j + 1] ?? "");
    if (!answer || !command.includes("localhost:3000") || /"\$(?!CRON_SECRET)/.test(command)) continue;
    examples.push({
      line: i + 1,
      command,
      status: answer[1] ? Number(answer[1]) : undefined,
      expected: JSON.parse(answer[2]!.replace(/\[…\]/g, '"[…]"')),
    });
  }
  return examples;
}

function toRequest(command: string): Request {
  const words = shellWords(command);
  let method: string | undefined;
  let body: string | undefined;
  let url = "";
  const headers = new Headers();
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === "-X") method = words[++i];
    else if (word === "-H") {
      const [name, ...value] = words[++i]!.split(":");
      headers.set(name!.trim(), value.join(":").trim());
    } else if (word === "-d") body = words[++i];
    else if (word.startsWith("-")) continue;
    else url = word;
  }
  return new Request(`http://${url}`, { method: method ?? (body ? "POST" : "GET"), headers, body });
}

/** Whether an answer matches the documented JSON, with the wildcards above. */
function matches(documented: unknown, actual: unknown): boolean {
  if (documented === "…") return true;
  if (documented === "[…]") return Array.isArray(actual);
  if (typeof documented === "string") {
    if (typeof actual !== "string") return false;
    if (/^<\w+>$/.test(documented)) return true;
    if (!documented.includes("…")) return documented === actual;
    const [start = "", end = ""] = documented.split("…");
    return actual.startsWith(start.trimEnd()) && actual.endsWith(end.trimStart());
  }
  if (Array.isArray(documented)) {
    return Array.isArray(actual) && actual.length === documented.length && documented.every((item, i) => matches(item, actual[i]));
  }
  if (documented && typeof documented === "object") {
    if (!actual || typeof actual !== "object" || Array.isArray(actual)) return false;
    const keys = Object.keys(documented);
    const actualKeys = Object.keys(actual);
    return (
      keys.length === actualKeys.length &&
      keys.every((key) => key in actual && matches((documented as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key]))
    );
  }
  return documented === actual;
}

/** The JSON of a documented answer such as "- `202 {...}`" in a list of outcomes. */
function documentedAnswer(status: number): unknown {
  const found = new RegExp(`^- \`${status} (\\{.*?\\})\``, "m").exec(README);
  if (!found) throw new Error(`README documents no ${status} answer`);
  return JSON.parse(found[1]!);
}

describe("README examples", () => {
  const examples = readmeExamples();

  it("has examples for the main endpoints", () => {
    const paths = examples.map((example) => new URL(toRequest(example.command).url).pathname);
    expect(paths).toEqual(expect.arrayContaining(["/api/reflection", "/api/chat", "/api/crisis", "/api/health", "/api/cron/drain"]));
  });

  it.each(examples.map((example) => [example.line, example] as const))("README line %i answers as documented", async (_line, example) => {
    const app = createApp(await loadRoutes(path.resolve("api")));
    const response = await app(toRequest(example.command));
    const actual = await response.json();
    await settleBackground();
    if (example.status) expect(response.status).toBe(example.status);
    if (!matches(example.expected, actual)) expect(actual).toEqual(example.expected);
  });

  it.each([
    ["the wildcard", "…", 42, true],
    ["a prefix", "rec…", "rec123", true],
    ["a wrong prefix", "rec…", "usr123", false],
    ["a placeholder", "<submissionId>", "abc", true],
    ["an extra key", { a: 1 }, { a: 1, b: 2 }, false],
    ["a missing key", { a: 1, b: 2 }, { a: 1 }, false],
    ["any array", "[…]", [1, 2], true],
  ])("matching treats %s as documented", (_name, documented, actual, expected) => {
    expect(matches(documented, actual)).toBe(expected);
  });
});

describe("README: the answers of POST /api/reflection", () => {
  const body = { healingName: "River", reflection: "I slept well", milestone: "Day 7", submissionId: "form-123-day7" };

  async function answer(): Promise<{ status: number; json: unknown }> {
    const response = await reflection(postJson("/api/reflection", body));
    const json: unknown = await response.json();
    await settleBackground();
    return { status: response.status, json };
  }

  it("201 is as documented", async () => {
    const { status, json } = await answer();
    expect(status).toBe(201);
    expect(matches(documentedAnswer(201), json)).toBe(true);
  });

  it("202 is as documented (Airtable rate limited)", async () => {
    const emulator = airtableEmulator();
    emulator.seedFromSchema();
    emulator.outage(429, 1);
    server.use(...emulator.handlers);
    useEnv({ AIRTABLE_API_KEY: TEST_TOKEN, AIRTABLE_BASE_ID: TEST_BASE_ID });
    const { status, json } = await answer();
    expect(status).toBe(202);
    if (!matches(documentedAnswer(202), json)) expect(json).toEqual(documentedAnswer(202));
  });

  it("503 is as documented (both stores down)", async () => {
    setRecordsForTesting(brokenRecords());
    setKvForTesting(brokenKv());
    const { status, json } = await answer();
    expect(status).toBe(503);
    if (!matches(documentedAnswer(503), json)) expect(json).toEqual(documentedAnswer(503));
  });
});

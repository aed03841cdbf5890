// The companion page as a participant meets it: Debian's Chromium (playwright-core) against the
// real `npm start`, whose companion is an OpenAI-compatible server on loopback that streams word by
// word. Elements are found by role and accessible name only. Failures the API cannot be made to
// produce on demand here (a 429, a 503, a stream cut half-way, a 202) are answered by the browser's
// request routing with the API's own answer shapes; everything else is the real server.
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_REPLY, startFakeOpenAi, type FakeOpenAi } from "./support/fake-openai.js";
import { DESKTOP, launchChromium, newContext, PHONE, requested, startServer, type RunningServer } from "./support/harness.js";

const CRISIS = "I want to kill myself tonight, I have the pills";
const SHOTS = path.resolve("test-results");
const AXE = readFileSync(path.resolve("node_modules/axe-core/axe.min.js"), "utf8");

let fake: FakeOpenAi;
let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  fake = await startFakeOpenAi({ chunkDelayMs: 60 });
  // The browser first: without one there is nothing to test, and no server is left behind.
  browser = await launchChromium();
  server = await startServer({ OPENAI_API_KEY: "sk-e2e", OPENAI_BASE_URL: fake.url, OPENAI_MODEL: "gpt-e2e", SAFETY_JUDGE: "off" });
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

async function open(pathname = "/", options: Parameters<typeof newContext>[1] = {}): Promise<Page> {
  const context = await newContext(browser, options);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(server.origin + pathname);
  return page;
}

const log = (page: Page) => page.getByRole("log", { name: "Conversation" });
const messageBox = (page: Page) => page.getByRole("textbox", { name: "Message" });
const status = (page: Page) => page.getByRole("status");
const crisisPanel = (page: Page) => page.getByRole("alert");

/** Waits until the conversation log shows the text. */
async function logShows(page: Page, text: string): Promise<void> {
  await expect.poll(() => log(page).innerText(), { timeout: 15_000 }).toContain(text);
}

/** An element's accessible description (the text its aria-describedby points at). */
function description(locator: Locator): Promise<string> {
  return locator.evaluate((element) =>
    (element.getAttribute("aria-describedby") ?? "")
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? "")
      .join(" ")
      .trim(),
  );
}

async function sendMessage(page: Page, text: string): Promise<void> {
  await messageBox(page).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: number }[]> {
  await page.evaluate(AXE); // evaluated by the test driver, so the page's CSP is untouched
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

describe("the companion chat page", () => {
  it("streams a reply word by word into the conversation log, with a typing state and a Stop button", async () => {
    const page = await open("/", PHONE);
    await expect.poll(() => page.getByRole("combobox", { name: "Country for crisis resources" }).inputValue()).toBe("GB"); // from en-GB
    await page.getByRole("textbox", { name: "Healing Name" }).fill("River");
    const box = messageBox(page);
    await box.fill("I had a calmer morning");
    await box.press("Shift+Enter");
    await box.pressSequentially("and a walk by the river");
    expect(await box.inputValue()).toBe("I had a calmer morning\nand a walk by the river");
    await box.press("Enter");

    await expect.poll(() => log(page).getAttribute("aria-busy")).toBe("true"); // the typing state, as assistive technology hears it
    await page.getByRole("button", { name: "Stop" }).waitFor({ state: "visible" });
    // Part of the reply is on screen before the rest has arrived: it is streamed, not delivered whole.
    await logShows(page, "Thank you for telling me");
    const partial = await log(page).innerText();
    expect(partial).not.toContain("compared with last week?");
    await logShows(page, FAKE_REPLY);
    await expect.poll(() => page.getByRole("button", { name: "Stop" }).isVisible()).toBe(false);
    expect(await log(page).getAttribute("aria-busy")).toBe("false");
    expect(await log(page).getByRole("heading", { name: "You" }).count()).toBe(1);
    expect(await box.inputValue()).toBe("");
    await page.screenshot({ path: path.join(SHOTS, "chat-phone.png"), fullPage: true });
  });

  it("Stop keeps what arrived, marks it, and offers to retry with the message back in the box", async () => {
    const page = await open("/");
    await sendMessage(page, "Tell me something kind");
    await logShows(page, "Thank you for");
    await page.getByRole("button", { name: "Stop" }).click();
    await logShows(page, "(You stopped this reply.)");
    expect(await log(page).innerText()).toContain("Thank you for");
    await page.getByRole("button", { name: "Retry" }).waitFor();
    expect(await messageBox(page).inputValue()).toBe("Tell me something kind");
  });

  it("answers a crisis message with the alert panel, the emergency number first as a tel: link, and no companion reply", async () => {
    const page = await open("/");
    await page.getByRole("combobox", { name: "Country for crisis resources" }).selectOption("US");
    const before = fake.completions;
    await sendMessage(page, CRISIS);
    const panel = crisisPanel(page);
    await panel.waitFor();
    const calls = panel.getByRole("link", { name: /^Call / });
    expect(await calls.first().getAttribute("href")).toBe("tel:911");
    expect(await panel.getByRole("link", { name: "Call 988" }).getAttribute("href")).toBe("tel:988");
    expect(await panel.getByRole("link", { name: "Text HOME to 741741" }).getAttribute("href")).toBe("sms:741741?body=HOME");
    expect(await panel.getByRole("heading", { level: 2 }).innerText()).toContain("call 911");
    await expect.poll(() => status(page).innerText()).toContain("help and resources");
    expect(await log(page).getByRole("heading", { name: "Companion" }).count()).toBe(0);
    expect(fake.completions).toBe(before); // no model call for a hard stop
    await page.screenshot({ path: path.join(SHOTS, "crisis-desktop.png"), fullPage: true });

    // It stays until dismissed, whatever else the person does on the page.
    await messageBox(page).fill("thank you");
    await page.getByRole("combobox", { name: "Country for crisis resources" }).selectOption("GB");
    // The page has handled the change (it remembers the country) and the panel is still there.
    expect(await page.evaluate(() => localStorage.getItem("hc.country"))).toBe("GB");
    expect(await panel.isVisible()).toBe(true);
    await panel.getByRole("button", { name: "Dismiss" }).click();
    expect(await crisisPanel(page).isVisible()).toBe(false);
  });

  it("shows the crisis panel on a phone too", async () => {
    const page = await open("/", PHONE);
    await sendMessage(page, CRISIS);
    await crisisPanel(page).getByRole("link", { name: "Call 999" }).waitFor(); // GB from en-GB
    await page.screenshot({ path: path.join(SHOTS, "crisis-phone.png") }); // the first screen a person sees
  });

  it("still shows the crisis panel when the chat endpoint fails, by asking /api/crisis", async () => {
    const page = await open("/");
    await page.route("**/api/chat", (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/json",
        headers: { "retry-after": "30" },
        body: JSON.stringify({
          error: { code: "service_unavailable", message: "Storage is unreachable right now; nothing was changed. Please retry shortly." },
        }),
      }),
    );
    const crisisCalls: string[] = [];
    page.on("request", (r) => r.url().endsWith("/api/crisis") && crisisCalls.push(r.method()));
    await sendMessage(page, CRISIS);
    await crisisPanel(page).getByRole("link", { name: "Call 999" }).waitFor();
    expect(crisisCalls).toEqual(["POST"]);
    await expect.poll(() => status(page).innerText()).toContain("answered 503");
    expect(await messageBox(page).inputValue()).toBe(CRISIS);
  });

  it("still shows the crisis panel when the chat script fails to load", async () => {
    const page = await open("/");
    await page.route("**/js/chat.js", (route) =>
      route.fulfill({ status: 200, contentType: "text/javascript", body: 'throw new Error("chat.js is broken");' }),
    );
    await page.reload();
    await messageBox(page).fill(CRISIS);
    await page.getByRole("button", { name: "Send" }).click();
    await crisisPanel(page).getByRole("link", { name: "Call 999" }).waitFor();
    await expect.poll(() => status(page).innerText()).toContain("This page did not load properly");
    expect(await messageBox(page).inputValue()).toBe(CRISIS);
  });

  it("opens the same resources from the quiet 'Need help now?' link at any time", async () => {
    const page = await open("/");
    await page.getByRole("link", { name: "Need help now?" }).click();
    const panel = crisisPanel(page);
    await panel.getByRole("link", { name: "Call 116 123" }).first().waitFor(); // Samaritans, GB
    expect(await panel.getByRole("heading", { level: 2 }).innerText()).toBe("Help is available, any time");
    expect(await panel.innerText()).not.toMatch(/null|undefined/); // no reply to show: nothing in its place
    await panel.getByRole("button", { name: "Dismiss" }).click();
    expect(await crisisPanel(page).isVisible()).toBe(false);
  });

  it("keeps a consented conversation across a reload, and deletes it on request", async () => {
    const page = await open("/");
    const config = (await (await page.request.get(`${server.origin}/api/config`)).json()) as { consent: { text: string } };
    const consent = page.getByRole("checkbox", { name: "Keep this conversation" });
    expect(await consent.isChecked()).toBe(false); // off by default
    await expect.poll(() => description(consent)).toBe(config.consent.text); // the API's sentence, not the page's
    await consent.check();
    await sendMessage(page, "Remember that the garden helped");
    await logShows(page, FAKE_REPLY);
    // The reply has finished (no Stop button) — the moment a participant would reload. The server
    // stores a consented turn before the reply's last event, so it is there.
    await expect.poll(() => page.getByRole("button", { name: "Stop" }).isVisible()).toBe(false);

    await page.reload();
    await logShows(page, "Remember that the garden helped");
    await logShows(page, FAKE_REPLY);
    expect(await page.getByRole("checkbox", { name: "Keep this conversation" }).isChecked()).toBe(true);

    await page.getByRole("button", { name: "Delete this conversation" }).click();
    await expect.poll(() => status(page).innerText()).toContain("has been deleted");
    expect(await log(page).getByRole("heading").count()).toBe(0);
    await page.reload();
    await page.getByRole("checkbox", { name: "Keep this conversation" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await log(page).getByRole("heading").count()).toBe(0);
  });

  it("says when to try again after a 429, in human time, and keeps the message", async () => {
    const page = await open("/");
    await page.route("**/api/chat", (route) =>
      route.fulfill({
        status: 429,
        contentType: "application/json",
        headers: { "retry-after": "120" },
        body: JSON.stringify({ error: { code: "rate_limited", message: "Too many requests. Try again in 2 minutes." } }),
      }),
    );
    await sendMessage(page, "One more thing");
    await expect.poll(() => status(page).innerText()).toMatch(/try again in about 2 minutes \(at \d\d:\d\d\)/);
    expect(await messageBox(page).inputValue()).toBe("One more thing");
    expect(await log(page).getByRole("heading").count()).toBe(0);
  });

  it("says the API is unreachable, then offline, and never loses the typed message", async () => {
    const page = await open("/");
    await page.route("**/api/chat", (route) => route.abort("connectionrefused"));
    await sendMessage(page, "Are you there?");
    await expect.poll(() => status(page).innerText()).toContain("could not reach the companion");
    await page.getByRole("button", { name: "Try again" }).waitFor();
    expect(await messageBox(page).inputValue()).toBe("Are you there?");

    await page.context().setOffline(true);
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => status(page).innerText()).toContain("You seem to be offline");
    expect(await messageBox(page).inputValue()).toBe("Are you there?");
    await page.context().setOffline(false);
  });

  it("keeps a reply that stops half-way and offers to retry", async () => {
    const page = await open("/");
    const cut = [
      'event: meta\ndata: {"conversationId":"AAAAAAAAAAAAAAAAAAAAAA"}',
      'event: safety\ndata: {"level":"none","categories":[]}',
      'event: delta\ndata: {"text":"Thank you for "}',
      'event: delta\ndata: {"text":"sharing that. It sounds"}',
    ];
    await page.route("**/api/chat", (route) =>
      route.fulfill({ status: 200, contentType: "text/event-stream", body: cut.join("\n\n") + "\n\n" }),
    );
    await sendMessage(page, "Half a reply please");
    await logShows(page, "(This reply stopped before it finished.)");
    expect(await log(page).innerText()).toContain("Thank you for sharing that. It sounds");
    await page.getByRole("button", { name: "Retry" }).waitFor();
    expect(await messageBox(page).inputValue()).toBe("Half a reply please");
  });

  it("has no serious or critical axe-core violation, with a conversation and with the crisis panel open", async () => {
    const page = await open("/");
    await sendMessage(page, "hello");
    await logShows(page, FAKE_REPLY);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("link", { name: "Need help now?" }).click();
    await crisisPanel(page).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, "chat-desktop.png"), fullPage: true });
  });

  it("can be used from the keyboard alone, in reading order, with the focus visible", async () => {
    const page = await open("/");
    await expect.poll(() => page.getByRole("combobox", { name: "Country for crisis resources" }).inputValue()).toBe("GB");
    const order = [
      page.getByRole("link", { name: "Skip to the message box" }),
      page.getByRole("link", { name: "Companion" }),
      page.getByRole("link", { name: "Reflection" }),
      page.getByRole("link", { name: "Need help now?" }),
      page.getByRole("textbox", { name: "Healing Name" }),
      page.getByRole("button", { name: "Forget my name" }),
      page.getByRole("combobox", { name: "Country for crisis resources" }),
      page.getByRole("checkbox", { name: "Keep this conversation" }),
      messageBox(page),
      page.getByRole("button", { name: "Send" }),
    ];
    for (const [i, element] of order.entries()) {
      await page.keyboard.press("Tab");
      expect(await element.evaluate((el) => el === document.activeElement), `Tab ${i + 1}`).toBe(true);
      expect(await element.evaluate((el) => getComputedStyle(el).outlineStyle), `focus ring at Tab ${i + 1}`).not.toBe("none");
    }
    await messageBox(page).focus();
    await page.keyboard.type("typed with the keyboard");
    await page.keyboard.press("Enter");
    await logShows(page, FAKE_REPLY);
  });

  it("works at 200% zoom (a 640-pixel-wide layout at twice the density) without sideways scrolling", async () => {
    const page = await open("/", { viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });
    await sendMessage(page, "hello at 200%");
    await logShows(page, FAKE_REPLY);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SHOTS, "chat-zoom-200.png"), fullPage: true });
  });
});

describe("the reflection form", () => {
  it("saves a reflection, says so in plain words, and the records store has it", async () => {
    const page = await open("/reflection", PHONE);
    await page.getByRole("textbox", { name: "Healing Name" }).fill("Wren");
    const milestone = page.getByRole("combobox", { name: "Milestone" });
    await expect.poll(() => milestone.getByRole("option").allInnerTexts()).toContain("Day 7");
    await milestone.selectOption("Day 7");
    const text = "Day 8 felt lighter than I expected 🌱";
    await page.getByRole("textbox", { name: "Reflection" }).fill(text);
    await expect.poll(() => description(page.getByRole("textbox", { name: "Reflection" }))).toBe("36 of 20,000 characters"); // code points: the emoji is one
    await page.screenshot({ path: path.join(SHOTS, "reflection-phone.png"), fullPage: true });
    const save = page.getByRole("button", { name: /reflection/i });
    expect(await save.innerText()).toBe("Save reflection");
    await save.click();
    await expect.poll(() => status(page).innerText()).toBe("Your reflection for Day 7 is saved. Thank you for taking the time.");
    expect(await page.getByRole("textbox", { name: "Reflection" }).inputValue()).toBe("");

    const db = new Database(path.join(server.dataDir, "records.db"), { readonly: true });
    try {
      const rows = db.prepare(`SELECT * FROM "Reflections"`).all() as Record<string, unknown>[];
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows[0])).toContain(text);
      expect(JSON.stringify(rows[0])).toContain("Day 7");
    } finally {
      db.close();
    }
  });

  it("shows a queued (202) reflection as saved, not as an error", async () => {
    const page = await open("/reflection");
    await page.route("**/api/reflection", (route) =>
      route.fulfill({
        status: 202,
        contentType: "application/json",
        body: JSON.stringify({ status: "accepted", id: "page-queued", safety: { level: "none", categories: [] } }),
      }),
    );
    await page.getByRole("textbox", { name: "Healing Name" }).fill("Wren");
    await page.getByRole("textbox", { name: "Reflection" }).fill("A quiet week");
    await page.getByRole("button", { name: "Save reflection" }).click();
    await expect.poll(() => status(page).innerText()).toContain("is saved. It will show in your records in a few minutes.");
  });

  it("says when to try again after a real 429 from the API, and keeps the reflection", async () => {
    const page = await open("/reflection");
    // Use up this browser's reflection allowance (30 per 10 minutes per address) from the page itself,
    // so the requests come from the same address as the form's.
    const statuses = await page.evaluate(async () => {
      const seen: number[] = [];
      for (let i = 0; i < 40 && !seen.includes(429); i++) {
        const body = JSON.stringify({ healingName: "Limit", reflection: `note ${i}` });
        seen.push((await fetch("/api/reflection", { method: "POST", headers: { "content-type": "application/json" }, body })).status);
      }
      return seen;
    });
    expect(statuses.at(-1)).toBe(429);
    await page.getByRole("textbox", { name: "Healing Name" }).fill("Wren");
    await page.getByRole("textbox", { name: "Reflection" }).fill("One more thought");
    await page.getByRole("button", { name: "Save reflection" }).click();
    await expect
      .poll(() => status(page).innerText())
      .toMatch(/You can try again in (about \d+ minutes? \(at \d\d:\d\d\)|\d+ seconds?)\. Your reflection is still here/);
    expect(await page.getByRole("textbox", { name: "Reflection" }).inputValue()).toBe("One more thought");
  });

  it("has no serious or critical axe-core violation", async () => {
    const page = await open("/reflection");
    await expect.poll(() => page.getByRole("combobox", { name: "Milestone" }).getByRole("option").count()).toBeGreaterThan(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, "reflection-desktop.png"), fullPage: true });
  });
});

describe("what the page loads", () => {
  it("sends no request outside its own origin, and the server logged no participant text", () => {
    expect(requested.length).toBeGreaterThan(20);
    const foreign = requested.filter((url) => !url.startsWith(server.origin + "/"));
    expect(foreign).toEqual([]);
    expect(server.output()).not.toContain("kill myself");
    expect(server.output()).not.toContain("garden helped");
  });
});

describe("without credentials", () => {
  it("answers with the offline companion", async () => {
    const offline = await startServer();
    try {
      const context = await newContext(browser, DESKTOP);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(offline.origin + "/");
      await page.getByRole("textbox", { name: "Healing Name" }).fill("River");
      await sendMessage(page, "I had a calmer morning today");
      await expect.poll(() => log(page).innerText(), { timeout: 15_000 }).toMatch(/River/);
      expect(await log(page).getByRole("heading", { name: "Companion" }).count()).toBe(1);
      await sendMessage(page, CRISIS);
      await crisisPanel(page).getByRole("link", { name: "Call 999" }).waitFor();
    } finally {
      await offline.stop();
    }
  });
});

describe("the personal link", () => {
  it("opens the chat page signed in: the token leaves the address bar, goes as a Bearer header, and the participant's choices count (PARTICIPANT_AUTH=required)", async () => {
    const strict = await startServer({ PARTICIPANT_AUTH: "required" });
    try {
      await expect
        .poll(() => strict.output(), { timeout: 15_000 })
        .toMatch(/Signed in as the demo participant "Demo": http:\/\/localhost:\d+\/\?p=\S+/);
      const link = /Signed in as the demo participant "Demo": (\S+)/.exec(strict.output())![1]!;
      const token = new URL(link).searchParams.get("p")!;
      const context = await newContext(browser, DESKTOP);
      contexts.push(context);
      const page = await context.newPage();
      const sent: { url: string; authorization?: string }[] = [];
      page.on("request", (request) => void sent.push({ url: request.url(), authorization: request.headers().authorization }));
      await page.goto(link);

      const note = page.getByText(/^Signed in as Demo with your personal link/);
      await note.waitFor();
      const name = page.getByRole("textbox", { name: "Healing Name" });
      expect(await name.inputValue()).toBe("Demo");
      expect(await name.getAttribute("readonly")).not.toBeNull();
      expect(page.url()).toBe(strict.origin + "/");
      expect(await page.evaluate(() => sessionStorage.getItem("hc.participantToken"))).toBe(token);

      await page.getByRole("checkbox", { name: "Keep this conversation" }).check();
      await sendMessage(page, "I had a calmer morning today");
      await expect.poll(() => log(page).innerText(), { timeout: 15_000 }).toMatch(/Demo/);
      expect(sent.filter((r) => r.url.endsWith("/api/chat")).map((r) => r.authorization)).toEqual([`Bearer ${token}`]);

      // Same tab, other page: still signed in, and the reflection is filed under Demo.
      await page.getByRole("link", { name: "Reflection" }).click();
      await page.getByText(/^Signed in as Demo/).waitFor();
      await page.getByRole("textbox", { name: "Reflection" }).fill("A quiet week");
      await page.getByRole("button", { name: "Save reflection" }).click();
      await expect.poll(() => status(page).innerText()).toContain("is saved");
      await expect
        .poll(
          () => {
            const db = new Database(path.join(strict.dataDir, "records.db"), { readonly: true });
            try {
              const user = db.prepare(`SELECT "Consent to Data Storage" AS consent FROM "Users" WHERE "Healing Name" = 'Demo'`).get() as {
                consent: unknown;
              };
              const reflections = db.prepare(`SELECT "Healing Name" AS name FROM "Reflections"`).all();
              return { consent: Boolean(user?.consent), reflections };
            } finally {
              db.close();
            }
          },
          { timeout: 10_000 },
        )
        .toEqual({ consent: true, reflections: [{ name: "Demo" }] });

      // Signed out, the page is anonymous again, and a name alone files nothing.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("textbox", { name: "Reflection" }).fill("Another week");
      await page.getByRole("button", { name: "Save reflection" }).click();
      await expect.poll(() => status(page).innerText()).toContain("personal link");
      // The demo line is the only place the server ever printed the token: no request log has it.
      expect(strict.output().split(token.split(".")[2]!).length - 1).toBe(1);
    } finally {
      await strict.stop();
    }
  });
});

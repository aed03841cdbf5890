// What the companion page reads and deletes: GET /api/config, GET and DELETE /api/conversation.
import { describe, expect, it } from "vitest";
import { POST as chat } from "../../api/chat.js";
import { GET as config } from "../../api/config.js";
import { DELETE as forget, GET as read } from "../../api/conversation.js";
import { settleBackground } from "../../lib/platform/background.js";
import { get, postJson } from "../support/http.js";
import { kvRows } from "../support/stores.js";
import { useEnv } from "../support/env.js";

describe("GET /api/config", () => {
  it("gives the consent sentence with the configured retention, the configured milestones and the countries with resources", async () => {
    useEnv({ CONVERSATION_TTL_DAYS: "14", REFLECTION_MILESTONES: "Week 1, Week 2 ,Week 6", CRISIS_DEFAULT_COUNTRY: "gb" });
    const response = await config();
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      consent: { text: string; ttlDays: number };
      milestones: string[];
      countries: { code: string }[];
      defaultCountry: string;
      limits: unknown;
    };
    expect(body.consent.ttlDays).toBe(14);
    expect(body.consent.text).toContain("stored for 14 days after your last message");
    expect(body.consent.text.split(/[.;] [A-Z]/)).toHaveLength(1); // one sentence
    expect(body.milestones).toEqual(["Week 1", "Week 2", "Week 6"]);
    expect(body.countries.map((c) => c.code)).toEqual(expect.arrayContaining(["US", "GB", "DE", "ZA"]));
    expect(body.defaultCountry).toBe("GB");
    expect(body.limits).toEqual({ message: 4000, reflection: 20_000 });
  });

  it("defaults to 30 days and Day 1 … Day 30", async () => {
    const body = (await (await config()).json()) as { consent: { ttlDays: number }; milestones: string[] };
    expect(body.consent.ttlDays).toBe(30);
    expect(body.milestones).toEqual(["Day 1", "Day 7", "Day 14", "Day 21", "Day 30"]);
  });

  it("answers 503 naming the variable when a milestone is too long", async () => {
    useEnv({ REFLECTION_MILESTONES: "Day 1," + "x".repeat(41) });
    const response = await config();
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("REFLECTION_MILESTONES");
  });
});

describe("GET and DELETE /api/conversation", () => {
  async function consentedConversation(): Promise<string> {
    const response = await chat(postJson("/api/chat", { message: "The garden is blooming", consent: true }));
    const { conversationId } = (await response.json()) as { conversationId: string };
    await settleBackground();
    return conversationId;
  }

  it("returns the stored turns of a consented conversation", async () => {
    const id = await consentedConversation();
    const response = await read(get(`/api/conversation?id=${id}`));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { conversationId: string; turns: { role: string; content: string; at: string }[] };
    expect(body.conversationId).toBe(id);
    expect(body.turns.map((t) => t.role)).toEqual(["user", "assistant"]);
    expect(body.turns[0]!.content).toBe("The garden is blooming");
  });

  it("answers 404 for a conversation that was never stored", async () => {
    const response = await chat(postJson("/api/chat", { message: "not kept" }));
    const { conversationId } = (await response.json()) as { conversationId: string };
    await settleBackground();
    expect((await read(get(`/api/conversation?id=${conversationId}`))).status).toBe(404);
  });

  it("deletes a stored conversation, after which it reads as 404", async () => {
    const id = await consentedConversation();
    const response = await forget(
      new Request(`http://localhost/api/conversation?id=${id}`, { method: "DELETE", headers: { "x-forwarded-for": "203.0.113.7" } }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "deleted", conversationId: id });
    expect(kvRows().some((r) => r.key === `conversation:${id}`)).toBe(false);
    expect((await read(get(`/api/conversation?id=${id}`))).status).toBe(404);
  });

  it.each(["", "short", "../../etc/passwd", "a".repeat(65)])("refuses the id %j with 400", async (id) => {
    const response = await read(get(`/api/conversation?id=${encodeURIComponent(id)}`));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("bad_request");
  });
});

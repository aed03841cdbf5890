// Export: one JSON document with everything held about a participant in every store, each part
// labelled with where it came from. Recorded in Privacy Requests (who asked, when; not whom).
import { randomUUID } from "node:crypto";
import type { Kv } from "../platform/kv/index.js";
import { ApiError } from "../platform/http/errors.js";
import { getMember, mailchimpBackend } from "../vendors/mailchimp/mailchimp.js";
import type { RecordsStore } from "../platform/records/index.js";
import { loadTurns } from "../companion/conversation.js";
import { conversationIds, journeyLogEntries, journeyMarkers, locateSubject, outboxStepsAbout, plainKeys, rowsNaming } from "./subject.js";

export interface ExportPart {
  /** Where it came from: store and place ("records:Users", "kv:conversations", "mailchimp:member"). */
  source: string;
  backend: string;
  items: unknown[];
}

export interface ParticipantExport {
  requestId: string;
  exportedAt: string;
  request: { healingName: string; email?: string };
  /** True when no store holds anything about them. */
  empty: boolean;
  parts: ExportPart[];
}

export async function exportParticipant(
  input: { healingName: string; email?: string; requestedBy: string },
  ctx: { records: RecordsStore; kv: Kv },
): Promise<ParticipantExport> {
  const { records, kv } = ctx;
  const subject = await locateSubject(records, input);
  const rb = records.backend;
  const kb = kv.backend;
  const users = (await Promise.all(subject.userIds.map((id) => records.get("Users", id)))).filter(Boolean);
  const parts: ExportPart[] = [
    { source: "records:Users", backend: rb, items: users },
    { source: "records:Reflections", backend: rb, items: await rowsNaming(records, "Reflections", subject) },
    { source: "records:Crisis Events", backend: rb, items: await rowsNaming(records, "Crisis Events", subject) },
  ];
  const conversations = [];
  for (const { ids } of await conversationIds(kv, subject)) {
    for (const conversationId of ids) {
      const turns = await loadTurns(kv, conversationId);
      if (turns.length) conversations.push({ conversationId, ttlSeconds: await kv.ttl(`conversation:${conversationId}`), turns });
    }
  }
  parts.push({ source: "kv:conversations", backend: kb, items: conversations });
  const cached = [];
  for (const key of plainKeys(subject)) {
    const value = await kv.get(key);
    if (value !== null) cached.push({ key, value });
  }
  parts.push({ source: "kv:caches (consent, user id, email, plan, crisis repeats)", backend: kb, items: cached });
  parts.push({ source: "kv:journey markers", backend: kb, items: (await journeyMarkers(kv, subject)).flatMap((m) => m.keys) });
  parts.push({
    source: "kv:outbox steps carrying their data",
    backend: kb,
    items: (await outboxStepsAbout(kv, subject)).map(({ id, kind, status, payload, createdAt }) => ({
      id,
      kind,
      status,
      payload,
      createdAt: new Date(createdAt).toISOString(),
    })),
  });
  parts.push({
    source: "kv:journey log (local, without Mailchimp)",
    backend: kb,
    items: (await journeyLogEntries(kv, subject)).map((e): unknown => JSON.parse(e)),
  });
  if (mailchimpBackend() === "mailchimp" && subject.email) {
    const held = await getMember(subject.email).catch((error: unknown) => {
      throw new ApiError(
        "service_unavailable",
        "Mailchimp did not answer; the export needs it. Try again in a minute.",
        { "retry-after": "60" },
        error,
      );
    });
    parts.push({ source: "mailchimp:member", backend: "mailchimp", items: held ? [held.member] : [] });
    parts.push({ source: "mailchimp:tags", backend: "mailchimp", items: held ? held.tags : [] });
  }
  const requestId = `export-${randomUUID()}`;
  const exportedAt = new Date().toISOString();
  await records.create("Privacy Requests", [
    {
      "Request ID": requestId,
      Type: "export",
      "Requested By": input.requestedBy,
      "Requested At": exportedAt,
      Status: "complete",
      "Completed At": exportedAt,
    },
  ]);
  return {
    requestId,
    exportedAt,
    request: { healingName: input.healingName, email: input.email },
    empty: parts.every((p) => p.items.length === 0),
    parts,
  };
}

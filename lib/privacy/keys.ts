// Where a participant's data sits in kv, by key. kv has no key scan (Upstash would need SCAN over
// every key), so the keys that hold a participant's data without their name in them — consented
// conversations, journey markers — are listed in small per-participant indexes as they are written.
import { createHash } from "node:crypto";
import { hashKey, type Kv } from "../platform/kv/index.js";
import { SAFETY_LEVELS } from "../safety/levels.js";
import { nameKey, participantKey } from "../participants/names.js";

export const conversationIndexKey = (name: string) => `participant:conversations:${participantKey(name)}`;
export const markerIndexKey = (participant: string) => `participant:markers:${participant}`;

/** Note a consented conversation under its participant (so it can be exported and erased). */
export async function indexConversation(kv: Kv, input: { healingName: string; conversationId: string; ttlDays: number }): Promise<void> {
  await kv.zadd(conversationIndexKey(input.healingName), input.conversationId, Date.now() + input.ttlDays * 86_400_000);
}

/** The participant hashes journeys use (by email, and by name before an email is known). */
export function journeyParticipants(subject: { names: string[]; email?: string }): string[] {
  return [
    ...(subject.email ? [hashKey(`email:${subject.email.trim().toLowerCase()}`)] : []),
    ...[...new Set(subject.names.map(nameKey))].map((key) => hashKey(`name:${key}`)),
  ];
}

/** The crisis screen's repeat counters (lib/safety's subject hash of the Healing Name). */
export function crisisKeys(names: string[]): string[] {
  return names.flatMap((name) => {
    const subject = createHash("sha256").update(`name:${name.trim().toLowerCase()}`).digest("hex").slice(0, 32);
    return [...SAFETY_LEVELS.map((level) => `crisis:seen:${subject}:${level}`), `crisis:repeats:${subject}`];
  });
}

export const ALL = Number.MAX_SAFE_INTEGER;

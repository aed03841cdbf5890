// Consented conversation turns in kv, with a TTL that restarts at every message. Nothing is
// stored without consent, and `consent: false` on a known conversation deletes what was stored.
import { randomBytes } from "node:crypto";
import { getJson, setJson, type Kv } from "../platform/kv/index.js";
import type { Turn } from "./persona.js";

const MAX_TURNS = 40;
const key = (conversationId: string) => `conversation:${conversationId}`;

export interface StoredTurn extends Turn {
  at: string;
}

/** 128 random bits, URL-safe. */
export function newConversationId(): string {
  return randomBytes(16).toString("base64url");
}

export const CONVERSATION_ID = /^[A-Za-z0-9_-]{22,64}$/;

export async function loadTurns(kv: Kv, conversationId: string): Promise<StoredTurn[]> {
  return (await getJson<StoredTurn[]>(kv, key(conversationId))) ?? [];
}

export async function appendTurns(kv: Kv, input: { conversationId: string; turns: StoredTurn[]; ttlDays: number }): Promise<void> {
  const existing = await loadTurns(kv, input.conversationId);
  const turns = [...existing, ...input.turns].slice(-MAX_TURNS);
  await setJson(kv, key(input.conversationId), turns, { ttlSeconds: input.ttlDays * 86_400 });
}

export async function forgetConversation(kv: Kv, conversationId: string): Promise<void> {
  await kv.delete(key(conversationId));
}

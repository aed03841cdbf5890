// Consented conversation turns in kv, with a TTL that restarts at every message. Nothing is
// stored without consent, and `consent: false` on a known conversation deletes what was stored.
// The turns are sealed (lib/privacy/seal.ts): kv, its files and Upstash hold only ciphertext.
import { randomBytes } from "node:crypto";
import { ApiError } from "../platform/http/errors.js";
import type { Kv } from "../platform/kv/index.js";
import { describeError, log } from "../platform/log.js";
import { currentKeyId, isSealed, open, seal, SealError, sealedKeyId } from "../privacy/seal.js";
import type { Turn } from "./persona.js";

const MAX_TURNS = 40;
const key = (conversationId: string) => `conversation:${conversationId}`;
/** Every stored conversation's id, scored by when it expires: what a re-seal walks (kv has no key scan). */
export const CONVERSATION_INDEX = "conversations:stored";

export interface StoredTurn extends Turn {
  at: string;
}

/** 128 random bits, URL-safe. */
export function newConversationId(): string {
  return randomBytes(16).toString("base64url");
}

export const CONVERSATION_ID = /^[A-Za-z0-9_-]{22,64}$/;

/** The stored value's text: sealed, or (written before sealing existed) the JSON itself. */
function openValue(raw: string, conversationId: string): string {
  return isSealed(raw) ? open(raw, key(conversationId)) : raw;
}

export async function loadTurns(kv: Kv, conversationId: string): Promise<StoredTurn[]> {
  const raw = await kv.get(key(conversationId));
  if (raw === null) return [];
  try {
    return JSON.parse(openValue(raw, conversationId)) as StoredTurn[];
  } catch (error) {
    if (!(error instanceof SealError)) throw error;
    // Fail closed: without the right key nothing is read, and nothing is written over it.
    log.error("conversation.unreadable", describeError(error));
    throw new ApiError("service_unavailable", error.message, {}, error);
  }
}

export async function appendTurns(kv: Kv, input: { conversationId: string; turns: StoredTurn[]; ttlDays: number }): Promise<void> {
  const existing = await loadTurns(kv, input.conversationId);
  const turns = [...existing, ...input.turns].slice(-MAX_TURNS);
  const ttlSeconds = input.ttlDays * 86_400;
  await kv.set(key(input.conversationId), seal(JSON.stringify(turns), key(input.conversationId)), { ttlSeconds });
  await kv.zadd(CONVERSATION_INDEX, input.conversationId, Date.now() + ttlSeconds * 1000);
}

export async function forgetConversation(kv: Kv, conversationId: string): Promise<void> {
  await kv.delete(key(conversationId));
  await kv.zrem(CONVERSATION_INDEX, conversationId);
}

/**
 * Seal every stored conversation under the current key (after a rotation, or to seal values
 * written before sealing existed). Each keeps its remaining TTL; a conversation written to while
 * this runs is left as it is (its new value is sealed under the current key already).
 */
export async function resealConversations(kv: Kv): Promise<{ resealed: number; current: number; gone: number; changed: number }> {
  const counts = { resealed: 0, current: 0, gone: 0, changed: 0 };
  const currentId = currentKeyId();
  await kv.zremRangeByScore(CONVERSATION_INDEX, Date.now());
  for (const id of await kv.zrangeByScore(CONVERSATION_INDEX, Number.MAX_SAFE_INTEGER, 1_000_000)) {
    const raw = await kv.get(key(id));
    if (raw === null) {
      await kv.zrem(CONVERSATION_INDEX, id);
      counts.gone++;
      continue;
    }
    if (sealedKeyId(raw) === currentId) {
      counts.current++;
      continue;
    }
    const value = seal(openValue(raw, id), key(id));
    const ttlSeconds = await kv.ttl(key(id));
    if ((ttlSeconds !== null && ttlSeconds <= 0) || (await kv.get(key(id))) !== raw) {
      counts.changed++;
      continue;
    }
    await kv.set(key(id), value, { ttlSeconds: ttlSeconds ?? undefined });
    counts.resealed++;
  }
  return counts;
}

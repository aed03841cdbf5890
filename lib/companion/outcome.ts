// What one chat turn produces, shared by the orchestration (chat.ts) and the OpenAI reply (reply.ts).
import type { SafetyLevel } from "../safety/levels.js";
import type { CountryResources } from "../safety/resources.js";

export const SAFETY_MODEL = "safety";
export const FALLBACK_MODEL = "fallback";

export interface ChatSafety {
  level: SafetyLevel;
  categories: string[];
  resources?: CountryResources;
}

export interface ChatDone {
  response: string;
  conversationId: string;
  safety: ChatSafety;
  model: string;
}

export interface ChatEvents {
  onSafety(safety: ChatSafety): void;
  onDelta(text: string): void;
}

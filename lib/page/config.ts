// What the companion page (public/) reads from configuration through GET /api/config, so the page
// hard-codes none of it: the consent sentence with the real retention, the reflection milestones,
// the countries that have crisis resources, and the limits the API applies to text.
import { companionConfig } from "../companion/config.js";
import { reflectionConfig } from "../reflections/reflections.js";
import { defaultCountry } from "../safety/config.js";
import { RESOURCES } from "../safety/resources.js";

export const MESSAGE_MAX_CHARS = 4000;
export const REFLECTION_MAX_CHARS = 20_000;

export interface PageConfig {
  consent: { text: string; ttlDays: number };
  /** How the page deletes a stored conversation (DELETE with ?id=). */
  conversation: { delete: string; read: string };
  milestones: string[];
  countries: { code: string; name: string }[];
  defaultCountry: string;
  limits: { message: number; reflection: number };
}

export function consentSentence(ttlDays: number): string {
  const days = ttlDays === 1 ? "1 day" : `${ttlDays} days`;
  return `When this is on, your messages and the companion's replies are stored for ${days} after your last message so you can pick up where you left off; when it is off, nothing you write here is stored.`;
}

export function pageConfig(): PageConfig {
  const ttlDays = companionConfig.load().CONVERSATION_TTL_DAYS;
  const countries = Object.values(RESOURCES)
    .map(({ country, name }) => ({ code: country, name }))
    .sort((a, b) => a.name.localeCompare(b.name, "en"));
  return {
    consent: { text: consentSentence(ttlDays), ttlDays },
    conversation: { read: "/api/conversation?id={conversationId}", delete: "/api/conversation?id={conversationId}" },
    milestones: reflectionConfig.load().REFLECTION_MILESTONES,
    countries,
    defaultCountry: defaultCountry(),
    limits: { message: MESSAGE_MAX_CHARS, reflection: REFLECTION_MAX_CHARS },
  };
}

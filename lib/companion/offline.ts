// The offline companion: deterministic, kind and reflective, so everything works locally and
// when OpenAI is down. It reflects a feeling it recognises, and asks one open question.
import { createHash } from "node:crypto";
import type { SafetyLevel } from "../safety/levels.js";

const FEELINGS: [RegExp, string][] = [
  [/\b(tired|exhausted|drained|worn out|sleepy)\b/i, "tired"],
  [/\b(anxious|nervous|worried|scared|afraid|panic)\b/i, "anxious"],
  [/\b(sad|down|low|blue|heartbroken|crying|grief|grieving)\b/i, "sad"],
  [/\b(angry|frustrated|annoyed|furious|irritated)\b/i, "frustrated"],
  [/\b(lonely|alone|isolated)\b/i, "lonely"],
  [/\b(happy|glad|grateful|calm|peaceful|good|great|better|proud|hopeful)\b/i, "lighter"],
  [/\b(overwhelmed|stressed|too much|pressure)\b/i, "overwhelmed"],
  [/\b(hungry|fasting|fast|eating|food)\b/i, "focused on your body and food"],
];

const REFLECTIONS: Record<string, string> = {
  tired: "It sounds like you're carrying a lot of tiredness right now.",
  anxious: "It sounds like there's some worry sitting with you today.",
  sad: "It sounds like things feel heavy and sad right now.",
  frustrated: "It sounds like something has really been frustrating you.",
  lonely: "It sounds like you've been feeling alone with this.",
  lighter: "It sounds like something feels a little lighter today, and that's worth noticing.",
  overwhelmed: "It sounds like a lot is landing on you at once.",
  "focused on your body and food": "It sounds like your body and how you nourish it are on your mind.",
};

const QUESTIONS = [
  "What feels most important to you about this right now?",
  "What would feel supportive to you today?",
  "When you notice that feeling, where do you feel it in your body?",
  "What has helped you, even a little, in moments like this before?",
  "What would you like to explore a bit more?",
];

export const OFFLINE_MODEL = "offline";

export function offlineReply(input: { message: string; healingName?: string; level: SafetyLevel }): string {
  const feeling = FEELINGS.find(([re]) => re.test(input.message))?.[1];
  const seed = createHash("sha256").update(input.message).digest()[0]!;
  const opener = input.healingName ? `Thank you for sharing that, ${input.healingName}.` : "Thank you for sharing that.";
  const reflection = feeling ? REFLECTIONS[feeling]! : "I'm here with you and listening.";
  const care =
    input.level === "medium"
      ? " How are you doing right now — are you safe? If it feels like too much, the support lines below are there for you, and reaching out to someone you trust can help."
      : "";
  return `${opener} ${reflection}${care} ${QUESTIONS[seed % QUESTIONS.length]}`;
}

/** Said when the AI companion is unreachable: honest, gentle, and keeps the door open. */
export function fallbackReply(healingName?: string): string {
  const name = healingName ? `, ${healingName}` : "";
  return `I'm sorry${name} — I'm having trouble finding my words right now. I'm still here, and what you shared matters. Would you like to tell me a little more, or try again in a moment?`;
}

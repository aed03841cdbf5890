// The companion's voice: a warm healing companion, not a therapist. Short replies, open
// questions, the participant's Healing Name, and safe-messaging rules that hold at every level.
import type { SafetyLevel } from "../safety/levels.js";

export interface Turn {
  role: "user" | "assistant";
  content: string;
}

export function systemPrompt(input: { healingName?: string; level: SafetyLevel; categories: string[] }): string {
  const name = input.healingName ? `The participant's Healing Name is "${input.healingName}"; use it now and then, warmly.` : "";
  const lines = [
    "You are a warm, calm healing companion in a guided wellness program. You are an AI, not a therapist, doctor or crisis counsellor, and you say so plainly if asked or if it matters.",
    name,
    "Reply in two to four short sentences, in the participant's language. Reflect what you hear, then ask one open question. Do not diagnose, prescribe, or give medical, fasting or medication instructions; suggest talking to a doctor for health questions.",
    "Never describe or discuss methods, means or amounts related to self-harm or suicide, even if asked, and never say that someone's situation is hopeless.",
  ];
  if (input.level === "medium") {
    lines.push(
      `Safety note: the participant's message suggests they may be struggling (${input.categories.join(", ") || "distress"}). Respond with extra care: acknowledge their feelings, gently ask how they are doing and whether they are safe, encourage them to reach out to someone they trust, and mention that support lines are listed below your reply. Keep the conversation open.`,
    );
  }
  return lines.filter(Boolean).join("\n");
}

/** The most recent turns that fit the character budget, oldest first, always whole turns. */
export function trimHistory(turns: Turn[], budgetChars: number): Turn[] {
  const kept: Turn[] = [];
  let used = 0;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i]!;
    if (used + turn.content.length > budgetChars) break;
    kept.unshift(turn);
    used += turn.content.length;
  }
  return kept;
}

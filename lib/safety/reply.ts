// Safe-messaging replies, written by people, never generated. Each one acknowledges the person,
// asks directly about their safety, gives the resources (the emergency number first when the
// risk is imminent), encourages human contact, keeps the conversation open, and says plainly
// that this is an AI. None mentions a method.
import type { SafetyLevel } from "./levels.js";
import type { CountryResources, CrisisLine } from "./resources.js";

const AI_NOTE = "I'm an AI companion, not a person or a crisis service, so I can't call anyone for you.";

function describeLine(line: CrisisLine): string {
  const ways = [line.phone && `call ${line.phone}`, line.text && (line.text.startsWith("Text") || line.text.startsWith("SMS") ? line.text : `text ${line.text}`), line.chat && `chat at ${line.chat}`]
    .filter(Boolean)
    .join(", ");
  return `${line.name}: ${ways || line.url} (${line.hours})`;
}

export function formatResources(resources: CountryResources, options: { emergencyFirst: boolean }): string {
  const emergency = resources.emergency
    ? `If you are in danger right now, call ${resources.emergency}.`
    : "If you are in danger right now, call your local emergency number (112 works from mobile phones in many countries).";
  const lines = resources.lines.map((line) => `• ${describeLine(line)}`).join("\n");
  return options.emergencyFirst ? `${emergency}\n${lines}` : `${lines}\n${emergency}`;
}

/** The first sentence, addressed by name when we know it ("River, thank you…" / "Thank you…"). */
function opening(name: string | undefined, sentence: string): string {
  return name ? `${name}, ${sentence}` : sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** The reply for a screened message. High and imminent replace the companion entirely. */
export function safeReply(input: { level: SafetyLevel; categories: string[]; resources: CountryResources; healingName?: string }): string {
  const { level, categories, resources } = input;
  if (level === "imminent") {
    return [
      opening(input.healingName, "thank you for telling me. What you're describing sounds like you may be in immediate danger, and your life matters."),
      `Please call ${resources.emergency ?? "your local emergency number"} now, or go to the nearest emergency department. If you can, put some distance between yourself and anything you could use to hurt yourself, and ask someone nearby to stay with you.`,
      formatResources(resources, { emergencyFirst: true }),
      `Are you safe right now? ${AI_NOTE} I'm still here and will keep listening while you reach out to them.`,
    ].join("\n\n");
  }
  if (level === "high") {
    const first = categories.includes("abuse_or_danger")
      ? opening(input.healingName, "thank you for trusting me with this. What is happening to you is not your fault, and you deserve to be safe.")
      : categories.includes("harm_to_others")
        ? opening(input.healingName, "thank you for being honest about these thoughts. Telling someone is a strong first step, and you don't have to act on them.")
        : opening(input.healingName, "I'm really glad you told me. It sounds like you're carrying a lot of pain right now, and you don't have to carry it alone.");
    const question = categories.includes("harm_to_others")
      ? "Are you or anyone else in danger right now? If you might act on these thoughts, please step away and call for help now."
      : "Are you safe right now? Are you thinking about ending your life?";
    return [
      first,
      question,
      `Talking to a trained person can really help, any time of day:\n${formatResources(resources, { emergencyFirst: false })}`,
      `Is there someone you trust — a friend, family member or your doctor — you could reach out to today? ${AI_NOTE} I'm here to keep talking with you, too.`,
    ].join("\n\n");
  }
  if (level === "medium") {
    const first = categories.includes("concern_for_other")
      ? opening(input.healingName, "it sounds like you're worried about someone you care about, and that's a heavy thing to hold.")
      : opening(input.healingName, "thank you for sharing this with me. It sounds really hard.");
    return [
      first,
      "How are you doing right now — are you safe?",
      `If things feel like too much, these people are there to listen:\n${formatResources(resources, { emergencyFirst: false })}`,
      `${AI_NOTE} Would you like to tell me more about what's been happening?`,
    ].join("\n\n");
  }
  return [
    opening(input.healingName, "thank you for reaching out. I'm an AI companion and I'm here to listen."),
    `If you ever feel unsafe, you can reach someone any time:\n${formatResources(resources, { emergencyFirst: false })}`,
    "What's on your mind?",
  ].join("\n\n");
}

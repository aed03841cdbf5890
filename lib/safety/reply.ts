// Safe-messaging replies, written by people, never generated, in each supported language (the
// texts live in lang/<code>.ts). Each one acknowledges the person, asks directly about their
// safety, gives the resources (the emergency number first when the risk is imminent), encourages
// human contact, keeps the conversation open, and says plainly that this is an AI. None mentions a
// method.
import { languageByCode } from "./lang/index.js";
import { en } from "./lang/en.js";
import type { ReplyTexts } from "./lang/types.js";
import type { SafetyLevel } from "./levels.js";
import type { CountryResources, CrisisLine } from "./resources.js";

const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);

function describeLine(line: CrisisLine, t: ReplyTexts): string {
  const text = line.text && (/^(text|sms)\b/i.test(line.text) ? line.text : fill(t.text, { text: line.text }));
  const ways = [line.phone && fill(t.call, { phone: line.phone }), text, line.chat && fill(t.chat, { url: line.chat })]
    .filter(Boolean)
    .join(", ");
  return `${line.name}: ${ways || line.url} (${line.hours.replace("24/7", t.always)})`;
}

export function formatResources(resources: CountryResources, options: { emergencyFirst: boolean; lang?: string }): string {
  const t = texts(options.lang);
  const emergency = resources.emergency ? fill(t.emergency, { number: resources.emergency }) : t.emergencyUnknown;
  const lines = resources.lines.map((line) => `• ${describeLine(line, t)}`).join("\n");
  return options.emergencyFirst ? `${emergency}\n${lines}` : `${lines}\n${emergency}`;
}

function texts(lang: string | undefined): ReplyTexts {
  return (lang && languageByCode(lang)?.replies) || en.replies;
}

/** The first sentence, addressed by name when we know it ("River, thank you…" / "Thank you…"). */
function opening(name: string | undefined, sentence: string): string {
  return name ? `${name}, ${sentence}` : sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** The reply for a screened message, in the message's language. High and imminent replace the companion entirely. */
export function safeReply(input: {
  level: SafetyLevel;
  categories: string[];
  resources: CountryResources;
  healingName?: string;
  lang?: string;
}): string {
  const { level, categories, resources, lang } = input;
  const t = texts(lang);
  const name = input.healingName;
  if (level === "imminent") {
    return [
      opening(name, t.imminent.opening),
      // Without a national number, 112 (the mobile emergency number in much of the world) reads as a number.
      fill(t.imminent.act, { emergency: resources.emergency ?? "112" }),
      formatResources(resources, { emergencyFirst: true, lang }),
      `${t.imminent.question} ${t.aiNote}`,
    ].join("\n\n");
  }
  if (level === "high") {
    const danger = categories.includes("abuse_or_danger");
    const others = categories.includes("harm_to_others");
    return [
      opening(name, danger ? t.high.openingDanger : others ? t.high.openingOthers : t.high.opening),
      others ? t.high.questionOthers : t.high.question,
      `${t.high.talk}\n${formatResources(resources, { emergencyFirst: danger, lang })}`,
      `${t.high.reach} ${t.aiNote}`,
    ].join("\n\n");
  }
  if (level === "medium") {
    return [
      opening(name, categories.includes("concern_for_other") ? t.medium.openingWorry : t.medium.opening),
      t.medium.question,
      `${t.medium.listen}\n${formatResources(resources, { emergencyFirst: false, lang })}`,
      `${t.aiNote} ${t.medium.more}`,
    ].join("\n\n");
  }
  return [
    opening(name, t.low.opening),
    `${t.low.anytime}\n${formatResources(resources, { emergencyFirst: false, lang })}`,
    t.low.question,
  ].join("\n\n");
}

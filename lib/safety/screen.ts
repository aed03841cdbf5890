// The crisis screen: pure, synchronous, no I/O. screen(text, { history }) → level, categories and
// signals (pattern ids, never text). A match's level is adjusted by its context: negation
// ("I'd never kill myself, but…" → medium), third person ("my friend wants to die" → medium),
// past or recovery ("I used to self-harm" → medium, unless "again" or "last night" says it is
// current). Intent plus a plan, means or time is imminent; so is an attempt in progress.
import { isHardStop, levelRank, maxLevel, type SafetyLevel } from "./levels.js";
import { variants } from "./normalize.js";
import { BENIGN, KIND_INFO, PATTERNS, type Kind, type Pattern } from "./patterns.js";

export interface ScreenResult {
  level: SafetyLevel;
  categories: string[];
  signals: string[];
}

interface Hit {
  pattern: Pattern;
  kind: Kind;
  level: SafetyLevel;
  modifiers: string[];
  current: boolean;
}

const ACTIVE: ReadonlySet<Kind> = new Set(["ideation", "method", "farewell", "selfharm", "others"]);
const ADJUSTABLE: ReadonlySet<Kind> = new Set(["ideation", "passive", "method", "farewell", "selfharm", "attempt", "others", "hopeless", "danger"]);
// Kinds whose patterns name their own subject ("he hits me", "I want to hurt him", "better off without me").
const OWN_SUBJECT: ReadonlySet<Kind> = new Set(["others", "hopeless", "danger", "farewell"]);
const MARKERS: ReadonlySet<Kind> = new Set(["plan", "means", "time"]);

const CLAUSE_END = /[.!?;\n]|\bbut\b/g;
const NEGATION = /\b(?:never|not|no longer|nobody|no one|nor)\b(?![^]*\b(?:stop|help|wait|sure|know|remember|anymore)\b)/;
const FIRST_PERSON = /\b(?:i|me|my|myself|mine)\b/g;
const THIRD_PERSON =
  /\b(?:he|she|they|him|her|them|his|their|my (?:friend|best friend|brother|sister|mom|mum|mother|dad|father|son|daughter|partner|boyfriend|girlfriend|husband|wife|cousin|roommate|classmate|kid|child|uncle|aunt|grandma|grandpa|friends)|a friend|someone i know|the character|the girl|the boy|the woman|the man)\b/g;
const PAST =
  /\b(?:used to|years ago|months ago|a while ago|long time ago|when i was|as a (?:kid|teen|teenager|child)|in (?:high|middle|elementary) school|back then|back in|in the past|at (?:age )?\d+|\d+ years old|grade|recovered|in recovery|recovering|clean (?:for|since)|stopped|was \d+|for the longest time|healed|was feeling|used to feel|until i (?:found|started|met|got))\b/;
const RECENT =
  /\b(?:again|relapsed|relapse|relapsing|last night|yesterday|today|tonight|this (?:week|morning)|right now|currently|still|lately|recently|last week|days ago|every day|daily|weekly|keep|now)\b/;

function mask(text: string): string {
  return BENIGN.reduce((out, re) => out.replace(re, (m) => "·".repeat(m.length)), text);
}

/** The text of the clause before `index`, where a negation or a subject would sit. */
function clauseBefore(text: string, index: number): string {
  let start = Math.max(0, index - 80);
  for (const match of text.slice(start, index).matchAll(CLAUSE_END)) start = Math.max(start, start + match.index + match[0].length);
  return text.slice(start, index);
}

function sentenceBefore(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf(".", index - 1), text.lastIndexOf("\n", index - 1), text.lastIndexOf("!", index - 1), text.lastIndexOf("?", index - 1), index - 160);
  return text.slice(start + 1, index);
}

function sentenceAround(text: string, index: number, end: number): string {
  const before = text.lastIndexOf(".", index);
  const after = text.indexOf(".", end);
  return text.slice(Math.max(0, before, index - 200), after < 0 ? Math.min(text.length, end + 200) : Math.min(after, end + 200));
}

function lastIndexOfAll(text: string, re: RegExp): number {
  let last = -1;
  for (const match of text.matchAll(re)) last = match.index;
  return last;
}

function classify(pattern: Pattern, text: string, index: number, end: number): Hit {
  const info = KIND_INFO[pattern.kind];
  const hit: Hit = { pattern, kind: pattern.kind, level: info.level, modifiers: [], current: true };
  if (!ADJUSTABLE.has(pattern.kind)) return hit;
  const before = clauseBefore(text, index);
  // A negation governs only the words right before the phrase, within one conjunct.
  const conjunct = before.split(/\b(?:and|or|so|because|then)\b/).pop() ?? "";
  const words = conjunct.trim().split(/\s+/).slice(-3).join(" ");
  if (NEGATION.test(words)) {
    hit.modifiers.push("modifier.negated");
    hit.level = "medium";
    hit.current = false;
  }
  // The subject may sit earlier in the sentence ("She began…, and eventually attempted suicide").
  // "my friend" is a third person: blank such phrases before looking for a first-person word.
  const subjectText = sentenceBefore(text, index);
  const third = lastIndexOfAll(subjectText, THIRD_PERSON);
  const first = lastIndexOfAll(subjectText.replace(THIRD_PERSON, (m) => "·".repeat(m.length)), FIRST_PERSON);
  if (!OWN_SUBJECT.has(pattern.kind) && third > first) {
    hit.modifiers.push("modifier.third_person");
    hit.kind = "concern";
    hit.level = "medium";
    hit.current = false;
    return hit;
  }
  const sentence = sentenceAround(text, index, end);
  if (PAST.test(sentence) && !hit.modifiers.length) {
    if (RECENT.test(sentence)) hit.modifiers.push("modifier.recent");
    else {
      hit.modifiers.push("modifier.past");
      // Risk in the past still matters (medium); past low-grade distress is just history.
      hit.level = levelRank(hit.level) >= levelRank("high") ? "medium" : "low";
      hit.current = false;
    }
  }
  return hit;
}

/** Screen one piece of text on its own. */
function analyze(text: string): Hit[] {
  const best = new Map<string, Hit>();
  for (const variant of variants(text)) {
    const masked = mask(variant);
    for (const pattern of PATTERNS) {
      pattern.re.lastIndex = 0;
      for (const match of masked.matchAll(pattern.re)) {
        const hit = classify(pattern, masked, match.index, match.index + match[0].length);
        const seen = best.get(pattern.id);
        if (!seen || levelRank(hit.level) > levelRank(seen.level) || (hit.current && !seen.current)) best.set(pattern.id, hit);
      }
    }
  }
  return [...best.values()];
}

function summarize(hits: Hit[]): ScreenResult {
  let level: SafetyLevel = "none";
  const categories = new Set<string>();
  const signals = new Set<string>();
  const current = (kind: Kind) => hits.some((h) => h.kind === kind && h.current);
  // Resolve ("I'm doing it tonight") counts only alongside means; plan, means or time with intent.
  const hasMarker = current("plan") || current("means") || current("time");
  const meansAndResolve = current("means") && current("resolve");
  for (const hit of hits) {
    signals.add(hit.pattern.id);
    hit.modifiers.forEach((m) => signals.add(m));
    let hitLevel = hit.level;
    if (hasMarker && hit.current && ACTIVE.has(hit.kind)) {
      hitLevel = "imminent";
      signals.add("marker.imminent");
    }
    // A passive death wish with resolve to act ("…and I'm starting to think about making it happen").
    if (hit.kind === "passive" && hit.current && current("resolve")) {
      hitLevel = "high";
      signals.add("marker.resolve");
    }
    level = maxLevel(level, hitLevel);
    if (meansAndResolve && hit.kind === "means") {
      level = "imminent";
      categories.add("suicidal_ideation");
      signals.add("marker.imminent");
    }
    const category = KIND_INFO[hit.kind].category;
    if (category && hitLevel !== "none") categories.add(category);
  }
  return { level, categories: [...categories].sort(), signals: [...signals].sort() };
}

/**
 * Screen a message. `history` is the participant's recent turns, oldest first: a plan, means or
 * time in this message after intent in an earlier one is imminent, and risk persisting across
 * turns raises the level.
 */
export function screen(text: string, options: { history?: readonly string[] } = {}): ScreenResult {
  const hits = analyze(text);
  const result = summarize(hits);
  const history = (options.history ?? []).slice(-5);
  if (!history.length) return result;

  const earlierHits = history.map(analyze);
  const earlier = earlierHits.map(summarize);
  const signals = new Set(result.signals);
  const categories = new Set(result.categories);
  let level = result.level;

  const earlierIntent = earlierHits.some((turnHits) => turnHits.some((h) => h.current && ACTIVE.has(h.kind)));
  const markerNow = hits.some((h) => h.current && (MARKERS.has(h.kind) || h.kind === "attempt"));
  if (earlierIntent && markerNow) {
    level = "imminent";
    signals.add("history.intent_then_marker");
  }
  const recentHardStop = earlier.slice(-3).some((r) => isHardStop(r.level));
  if (recentHardStop && levelRank(level) >= levelRank("low") && levelRank(level) < levelRank("high")) {
    level = "high";
    signals.add("history.after_hard_stop");
  } else if (recentHardStop && level === "none") {
    level = "medium";
    signals.add("history.after_hard_stop");
  }
  const persistent = earlier.slice(-3).filter((r) => levelRank(r.level) >= levelRank("medium")).length;
  if (level === "medium" && persistent >= 2) {
    level = "high";
    signals.add("history.persistent");
  }
  if (level !== result.level) for (const r of earlier) r.categories.forEach((c) => categories.add(c));
  return { level, categories: [...categories].sort(), signals: [...signals].sort() };
}

// The concept grammar: language-independent rules over the concepts the lexicons tag. A message
// is split into clauses; each concept match gets its scope (negated, someone else's, in the past,
// inside a benign frame); then composition rules name concepts, never phrases:
//   want + die                           → current ideation (high)
//   wish + die, or a passive wish         → passive death wish (medium)
//   means + holding, or a lethal place    → a marker; with any intent, or gathered, → imminent
//   done + (all + means | any risk)       → an attempt under way (imminent)
//   lethality question over means         → high
//   intent + (means | place | time | preparation | plan) → imminent
// Pure and synchronous; linear in the length of the text.
import { isHardStop, levelRank, type SafetyLevel } from "./levels.js";
import type { Concept } from "./lang/types.js";
import { tag, words, type Match } from "./lexicon.js";

export type Marker = "soon" | "means" | "place" | "prep" | "plan" | "done" | "farewell" | "gathered" | "take";

export interface Analysis {
  level: SafetyLevel;
  categories: string[];
  /** Rule ids that fired, never text. */
  signals: string[];
  /** Current, first-person markers of imminence in this message. */
  markers: Set<Marker>;
  /** Current first-person intent (ideation, self-harm, harm to others, danger, lethality). */
  intent: boolean;
  /** A benign frame (a game, a play, a deadline) is set in this message. */
  frame: boolean;
  reassure: boolean;
  /** Leading language of the message. */
  lang: string;
  /** Words in the message. */
  words: number;
  /** The concepts found, with their scope ("killself", "die:neg", "selfharm:third"): features for the learned layer. */
  concepts: string[];
}

// Concepts a benign idiom swallows when the idiom starts at or before them.
const SCOPE_ONLY: ReadonlySet<Concept> = new Set([
  "earnest",
  "manner",
  "anyone",
  "cond",
  "self",
  "other",
  "neg",
  "negbreak",
  "past",
  "recent",
  "frame",
  "but",
  "question",
  "idiom",
  "reassure",
]);
// Risk concepts whose subject matters: "my friend wants to die" is worry, not ideation.
const SUBJECTFUL: ReadonlySet<Concept> = new Set([
  "ed",
  "pastrisk",
  "strongat",
  "underway",
  "possess",
  "want",
  "wishp",
  "die",
  "killself",
  "euph",
  "passive",
  "selfharm",
  "take",
  "done",
  "hopeless",
  "hold",
  "gathered",
  "at",
  "prep",
  "farewell",
  "plan",
  "howmuch",
]);
// Concepts a benign frame neutralises ("my character dies tonight", "this deadline is killing me").
// Means and their gathering are objects and acts, not words a frame reinterprets: "the oxy from my
// knee surgery" is still oxy, and counting it is still counting it (rounds 24, 30 and 36).
const FRAMEABLE: ReadonlySet<Concept> = new Set([
  "strongat",
  "underway",
  "possess",
  "selfobj",
  "die",
  "kill",
  "killself",
  "euph",
  "weapon",
  "take",
  "done",
  "place",
  "at",
  "hold",
  "all",
  "soon",
  "howmuch",
  "want",
  "wishp",
  "passive",
  "farewell",
  "prep",
  "plan",
  "hopeless",
]);
const NEG_WINDOW = 3;
/** Words in a message short enough to read without a first-person marker. */
const SHORT_MESSAGE = 40;
const NEEDS_SELF: ReadonlySet<Concept> = new Set([
  "hopeless",
  "passive",
  "euph",
  "prep",
  "farewell",
  "pastrisk",
  "distress",
  "die",
  "wishp",
  "done",
  "underway",
  "at",
  "strongat",
  "hold",
  "gathered",
  "take",
  "all",
  "howmuch",
  "selfharm",
]);

interface Scoped extends Match {
  clause: number;
  negated: boolean;
  third: boolean;
  past: boolean;
  framed: boolean;
}

/** Longest clause, in words: a longer run-on is cut, so every per-clause step is bounded. */
const MAX_CLAUSE = 40;

function clauses(list: readonly string[], breaks: readonly boolean[], matches: readonly Match[]): number[] {
  const butAt = new Set(matches.filter((m) => m.concept === "but").map((m) => m.start));
  const ids: number[] = [];
  let id = 0;
  let length = 0;
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && (breaks[i] || butAt.has(i) || length >= MAX_CLAUSE)) {
      id++;
      length = 0;
    }
    length++;
    ids.push(id);
  }
  return ids;
}

/** Drop what a benign idiom swallows, a self inside an other ("my" in "my friend"), a negation inside a risk phrase ("not be here"). */
function prune(matches: Match[]): Match[] {
  const idioms: Match[] = [];
  const others: Match[] = [];
  const risky: Match[] = [];
  const passives: Match[] = [];
  for (const m of matches) {
    if (m.concept === "idiom") idioms.push(m);
    else if (m.concept === "other") others.push(m);
    else if (m.concept === "passive") passives.push(m);
    if (!SCOPE_ONLY.has(m.concept) && m.concept !== "distress") risky.push(m);
  }
  if (!idioms.length && !others.length && !passives.length && !matches.some((m) => m.concept === "neg" || m.concept === "frame"))
    return matches;
  return matches.filter((m) => {
    // A frame word inside a longer risk phrase is part of that phrase ("cancelled my phone contract" is no phone).
    if (m.concept === "frame" && risky.some((r) => r.start <= m.start && m.end <= r.end && r.end - r.start > m.end - m.start)) return false;
    // A passive phrase is read whole: "sparire" inside "sparire per un po'" is not a euphemism for dying,
    // and "si me pasa algo" inside "me da igual si me pasa algo" is no farewell.
    if (
      (m.concept === "euph" || m.concept === "farewell") &&
      passives.some((p) => p.start <= m.start && m.end <= p.end && p.end - p.start > m.end - m.start)
    )
      return false;
    // An idiom swallows what starts inside it, and what ends inside it ("i cut" in "i cut my finger"),
    // except intent or a reported threat that begins before it ("want to die" in "want to die for real",
    // "dice que si no abro me mata" around "me mata").
    if (
      !SCOPE_ONLY.has(m.concept) &&
      idioms.some(
        (i) =>
          (i.start <= m.start && m.start < i.end && !(i.start === m.start && m.end > i.end)) ||
          (m.start < i.start &&
            m.end > i.start &&
            m.end <= i.end &&
            m.concept !== "killself" &&
            m.concept !== "want" &&
            m.concept !== "danger"),
      )
    )
      return false;
    if (m.concept === "self" && others.some((o) => o.start <= m.start && m.end <= o.end)) return false;
    if (m.concept === "neg" && risky.some((r) => r.start <= m.start && m.end <= r.end && r.end - r.start > m.end - m.start)) return false;
    return true;
  });
}

/** Scope one clause's matches: negation, subject, past, frame. */
function scopeClause(clause: number, raw: Match[], framedAll: boolean, segOf: readonly number[]): Scoped[] {
  const matches = prune(raw);
  const negs: Match[] = [];
  const blockers: number[] = [];
  const killEnds = new Set<number>();
  let past = false;
  let recent = false;
  const frameSegs = new Set<number>();
  for (const m of matches) {
    if (m.concept === "neg") negs.push(m);
    else if (m.concept === "kill") killEnds.add(m.end);
    else if (m.concept === "past") past = true;
    else if (m.concept === "recent") recent = true;
    else if (m.concept === "frame" && !matches.some((n) => n.concept === "neg" && n.end <= m.start && m.start - n.end <= 2))
      frameSegs.add(segOf[m.start]!);
    if (m.concept === "negbreak" || m.concept === "self" || m.concept === "other") blockers.push(m.start);
  }
  // Subjects: self or other, unless it is the object of a harm verb ("kill him").
  const subjects = matches.filter((m) => (m.concept === "self" || m.concept === "other") && !killEnds.has(m.start));
  const inPast = past && !recent;
  const out: Scoped[] = [];
  for (const m of matches) {
    const scoped: Scoped = {
      concept: m.concept,
      start: m.start,
      end: m.end,
      lang: m.lang,
      clause,
      negated: false,
      third: false,
      past: false,
      framed: false,
    };
    out.push(scoped);
    if (SCOPE_ONLY.has(m.concept)) continue;
    // Negation: a negator shortly before, with no subject or "know/stop/help" in between.
    for (const n of negs) {
      if (n.end > m.start || m.start - n.end > NEG_WINDOW) continue;
      // A phrase that starts with its own negation is not negated again by an earlier one
      // ("ya no me importa nada, no pienso bajar": "no pienso bajar" means staying up there).
      let blocked = raw.some((own) => own.concept === "neg" && own.start === m.start && own.end <= m.end);
      for (const b of blockers) if (b >= n.end && b < m.start) blocked = true;
      if (!blocked) scoped.negated = true;
    }
    // Subject: the nearest self or other before the match.
    if (SUBJECTFUL.has(m.concept)) {
      let nearest: Match | undefined;
      for (const s of subjects) if (s.start < m.start && (!nearest || s.start > nearest.start)) nearest = s;
      scoped.third = nearest?.concept === "other";
    }
    scoped.past = inPast;
    // A frame reaches the words around it up to a comma or a clause break ("cancelled the gym, the cat's gone").
    // Danger stays real under a frame in the same message ("followed me home from the gym"), but
    // not in a conversation framed as a game ("he's going to kill me" about a teammate).
    // A conversation framed as a game or a play frames its props too ("the poison in the count's glass").
    scoped.framed =
      (framedAll && (FRAMEABLE.has(m.concept) || m.concept === "danger" || m.concept === "means" || m.concept === "gathered")) ||
      (frameSegs.has(segOf[m.start]!) && FRAMEABLE.has(m.concept));
  }
  // A word inside a negated phrase is negated with it ("suicide" in "never thought about suicide").
  for (const m of out) {
    if (m.negated || SCOPE_ONLY.has(m.concept)) continue;
    for (const outer of out)
      if (outer.negated && outer.start <= m.start && m.end <= outer.end && outer.end - outer.start > m.end - m.start) m.negated = true;
  }
  return out;
}

/** The message says it is meant ("not joking", "juro por deus"), unless that phrase is itself negated ("no va en serio"). */
function isEarnest(all: readonly Match[]): boolean {
  return all.some((m) => m.concept === "earnest" && !all.some((n) => n.concept === "neg" && n.end <= m.start && m.start - n.end <= 1));
}

function scope(
  list: readonly string[],
  breaks: readonly boolean[],
  commas: readonly boolean[],
  all: Match[],
  framedAll: boolean,
): Scoped[] {
  // "gonna unalive myself lol. not even joking": a message that says it is meant sets no frame.
  // "no va en serio" (not meant) is the opposite: an earnest phrase right after a negation does not count.
  const matches = isEarnest(all) ? all.filter((m) => m.concept !== "frame") : all;
  const clauseOf = clauses(list, breaks, matches);
  const segOf: number[] = [];
  let seg = 0;
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && (clauseOf[i] !== clauseOf[i - 1] || commas[i])) seg++;
    segOf.push(seg);
  }
  const groups = new Map<number, Match[]>();
  for (const m of matches) {
    const c = clauseOf[m.start]!;
    const group = groups.get(c);
    if (group) group.push(m);
    else groups.set(c, [m]);
  }
  return [...groups].flatMap(([c, group]) => scopeClause(c, group, framedAll, segOf));
}

interface ClauseFacts {
  has: (concept: Concept) => boolean;
}

/** Analyse one message on its own. `framed` applies a benign frame set earlier in the conversation. */
export function analyze(text: string, options: { framed?: boolean } = {}): Analysis {
  const { words: list, breaks, commas } = words(text);
  const { matches, lang } = tag(list, breaks);
  const scoped = scope(list, breaks, commas, matches, options.framed ?? false);
  const signals = new Set<string>();
  const categories = new Set<string>();
  const markers = new Set<Marker>();
  // In a longer text (a story, an article, a long reflection), soft signals count only in clauses
  // that speak of the writer; a short chat message often leaves the "I" out ("no point anymore").
  const selfClauses = new Set(
    scoped.filter((m) => m.concept === "self" || m.concept === "selfobj" || m.concept === "killself").map((m) => m.clause),
  );
  // A long text that never says "I" (a story, an article) is not the writer's own risk.
  const short = list.length <= SHORT_MESSAGE || selfClauses.size > 0;
  // "I don't want to live like this" is hopelessness about a way of living, not a wish to die:
  // a manner right after a death phrase turns that clause's wish into hopelessness.
  // ("matarme, así sin rodeos": after a comma "así" is "bluntly", not a way of living).
  const mannerAt = new Set(scoped.filter((m) => m.concept === "manner" && !commas[m.start]).map((m) => `${m.clause}:${m.start}`));
  const qualified = new Set(
    scoped
      .filter(
        (m) =>
          (m.concept === "killself" || m.concept === "die") &&
          (mannerAt.has(`${m.clause}:${m.end}`) || mannerAt.has(`${m.clause}:${m.end + 1}`)),
      )
      .map((m) => m.clause),
  );
  const active = scoped
    .filter((m) => !(qualified.has(m.clause) && (m.concept === "killself" || m.concept === "die" || m.concept === "want")))
    .filter((m) => !SCOPE_ONLY.has(m.concept) && !m.negated && !m.third && !m.past && !m.framed && (short || !NEEDS_SELF.has(m.concept)));
  const perClause = new Map<number, Set<Concept>>();
  for (const m of active) {
    const set = perClause.get(m.clause);
    if (set) set.add(m.concept);
    else perClause.set(m.clause, new Set([m.concept]));
  }
  const all = new Set(active.map((m) => m.concept));
  const msg: ClauseFacts = { has: (c) => all.has(c) };
  // One view per clause, built once: the rules below ask every clause about twenty times.
  const clauseFacts: ClauseFacts[] = [...perClause.values()].map((set) => ({ has: (c) => set.has(c) }));
  const any = (rule: (f: ClauseFacts) => boolean) => clauseFacts.some(rule);
  const objectsByClause = new Map<number, Match[]>();
  const condsByClause = new Map<number, number[]>();
  for (const c of scoped) if (c.concept === "cond") condsByClause.set(c.clause, [...(condsByClause.get(c.clause) ?? []), c.start]);
  for (const o of scoped)
    if (o.concept === "other" || o.concept === "anyone") objectsByClause.set(o.clause, [...(objectsByClause.get(o.clause) ?? []), o]);

  // Harm to someone else: a harm verb with a person as its object, and intent, a weapon or a time.
  // A condition after it makes it hyperbole ("I'll kill him if he eats my fries") unless the message
  // swears it is meant ("se ele encostar na minha irmã de novo, juro por deus").
  const sworn = isEarnest(matches);
  const harmOthers =
    !options.framed &&
    active.some(
      (k) =>
        k.concept === "kill" &&
        (objectsByClause.get(k.clause) ?? []).some(
          (o) => (o.start >= k.end && o.start - k.end <= 2) || (o.lang !== "en" && o.end <= k.start && k.start - o.end <= 2),
        ) &&
        (sworn || !(condsByClause.get(k.clause) ?? []).some((start) => start > k.end && start - k.end <= 5)),
    ) &&
    (msg.has("want") || msg.has("soon") || msg.has("weapon") || msg.has("plan") || msg.has("at"));
  // "I'm going to hurt Kyle so bad … I know where he parks": a name is no tagged person, but intent,
  // a harm verb and knowing where someone will be is harm to someone else.
  const harmNamed =
    !options.framed &&
    msg.has("kill") &&
    msg.has("want") &&
    msg.has("plan") &&
    !msg.has("selfobj") &&
    !msg.has("killself") &&
    scoped.some((m) => m.concept === "other");
  const ideation = any((f) => f.has("killself") || (f.has("want") && (f.has("die") || f.has("euph"))));
  const passive = any((f) => f.has("passive") || (f.has("wishp") && (f.has("die") || f.has("euph") || f.has("killself"))));
  const euph = msg.has("euph");
  const hopeless = msg.has("hopeless") || qualified.size > 0;
  const selfharm = msg.has("selfharm");
  // "Wishing a car would hit me" is a passive wish, not danger from someone.
  // and "my kids are going to kill me when they find out" is a conditional hyperbole.
  const danger =
    active.some(
      (d) => d.concept === "danger" && !(condsByClause.get(d.clause) ?? []).some((start) => start >= d.end && start - d.end <= 3),
    ) && !any((f) => f.has("danger") && f.has("passive"));
  // A lethality question: how much, how high, which is quickest — asked, about means, a place or dying.
  const asks = text.includes("?") || msg.has("question") || scoped.some((m) => m.concept === "question");
  const lethality =
    asks &&
    any(
      (f) =>
        f.has("howmuch") &&
        (f.has("place") ||
          f.has("die") ||
          f.has("euph") ||
          f.has("killself") ||
          ((f.has("means") || f.has("take")) && (f.has("all") || msg.has("die") || msg.has("euph") || msg.has("underway")))),
    );
  const meansNow = any((f) => f.has("means") && (f.has("hold") || f.has("gathered")));
  const meansKnown = msg.has("means") && (msg.has("possess") || msg.has("hold"));
  const gathered = any((f) => f.has("gathered") && f.has("means")) || (msg.has("gathered") && msg.has("means"));
  const placeNow = any((f) => (f.has("at") || f.has("strongat")) && f.has("place")) || (msg.has("strongat") && msg.has("place"));
  const brink = msg.has("strongat") && msg.has("place");
  const armed =
    msg.has("weapon") &&
    (msg.has("possess") || msg.has("hold")) &&
    scoped.some((m) => m.concept === "other") &&
    (msg.has("soon") || msg.has("kill") || msg.has("want"));
  const takeAll = any((f) => f.has("take") && f.has("all") && (f.has("means") || msg.has("means") || msg.has("hold")));
  const selfHarmWithMeans = any((f) => f.has("means") && f.has("selfobj") && !f.has("other") && !f.has("killself") && !f.has("die"));
  const farewells = active.filter((m) => m.concept === "farewell").length;
  const anyRisk = ideation || passive || euph || hopeless || selfharm || msg.has("die") || msg.has("farewell") || meansNow || placeNow;
  const attempt =
    (msg.has("done") &&
      (any((f) => f.has("all") && (f.has("means") || f.has("take") || f.has("done"))) ||
        (msg.has("means") && (anyRisk || msg.has("distress"))) ||
        ideation ||
        selfharm ||
        euph ||
        msg.has("underway"))) ||
    // A symptom with "drinking" or "taking" is an attempt only with means or "all" ("dizzy… drinking loads of water" is not).
    (msg.has("underway") &&
      (msg.has("means") || selfharm || ideation || euph || msg.has("farewell") || (msg.has("take") && msg.has("all"))));

  if (msg.has("soon")) markers.add("soon");
  if (meansNow || meansKnown) markers.add("means");
  if (placeNow) markers.add("place");
  if (msg.has("prep")) markers.add("prep");
  if (msg.has("plan")) markers.add("plan");
  if (msg.has("done") || msg.has("underway")) markers.add("done");
  if (msg.has("farewell")) markers.add("farewell");
  if (gathered) markers.add("gathered");
  if (takeAll) markers.add("take");

  const harm = selfharm || selfHarmWithMeans;
  const intent =
    ideation ||
    harm ||
    danger ||
    harmOthers ||
    harmNamed ||
    armed ||
    lethality ||
    takeAll ||
    (euph && (msg.has("farewell") || msg.has("prep") || msg.has("want")));
  const marker = meansNow || meansKnown || placeNow || msg.has("soon") || msg.has("prep") || msg.has("plan") || gathered;
  const soft = passive || euph || hopeless;

  let level: SafetyLevel = "none";
  const raise = (to: SafetyLevel, signal: string) => {
    if (levelRank(to) > levelRank(level)) level = to;
    signals.add(signal);
  };
  if (attempt) raise("imminent", "rule.attempt");
  if (intent && marker) raise("imminent", "rule.intent_with_marker");
  if (intent)
    raise(
      "high",
      ideation
        ? "rule.ideation"
        : harm
          ? "rule.self_harm"
          : danger
            ? "rule.danger"
            : harmOthers || harmNamed
              ? "rule.harm_others"
              : lethality
                ? "rule.lethality"
                : takeAll
                  ? "rule.take_all"
                  : "rule.euphemism",
    );
  if (meansNow) raise("imminent", "rule.means_at_hand");
  if (placeNow)
    raise(
      brink || soft || msg.has("soon") || msg.has("distress") || msg.has("die") || msg.has("farewell") ? "imminent" : "high",
      "rule.lethal_place",
    );
  if (armed) raise("imminent", "rule.armed_with_target");
  if (msg.has("pastrisk")) raise("medium", "rule.past_risk");
  if (soft && meansKnown) raise("imminent", "rule.wish_with_means");
  if (gathered) raise(msg.has("all") || msg.has("soon") || msg.has("hold") ? "imminent" : "high", "rule.gathered_means");
  if (msg.has("prep") && msg.has("soon")) raise("imminent", "rule.preparation_with_time");
  // "I have everything I need … tonight when everyone's asleep, then I'll do it": means at hand, a
  // time and a decided act, with no death word anywhere.
  if (meansKnown && msg.has("soon") && msg.has("plan")) raise("imminent", "rule.means_plan_time");
  if (msg.has("prep") && (soft || farewells > 0 || msg.has("plan"))) raise("high", "rule.preparation");
  if (farewells > 2 || (farewells > 0 && (msg.has("soon") || msg.has("plan")) && (farewells > 1 || soft || msg.has("prep"))))
    raise("imminent", "rule.farewell_with_time");
  if (farewells > 1 || (farewells > 0 && (soft || msg.has("plan") || msg.has("soon")))) raise("high", "rule.farewell");
  // A time alone does not turn a passive wish into a plan ("if I didn't wake up tomorrow I wouldn't mind").
  if ((euph && (msg.has("plan") || msg.has("soon"))) || (soft && msg.has("plan"))) raise("high", "rule.wish_with_marker");
  if (passive) raise("medium", "rule.passive_wish");
  if (euph) raise("medium", "rule.euphemism");
  if (hopeless) raise("medium", "rule.hopeless");
  if (msg.has("ed")) raise("medium", "rule.eating_disorder");
  if (msg.has("prep") || meansKnown) raise("low", "rule.marker_alone");

  const deathClauses = new Set(
    scoped.filter((d) => d.concept === "die" || d.concept === "euph" || d.concept === "killself").map((d) => d.clause),
  );
  const negatedWish = scoped.some((w) => w.negated && w.concept === "want" && deathClauses.has(w.clause));
  // "ich will mich nicht umbringen": a negated harm verb with the self as its object is a negated wish too.
  const selfObjectClauses = new Set(scoped.filter((m) => m.concept === "selfobj").map((m) => m.clause));
  const negated =
    negatedWish ||
    scoped.some(
      (m) =>
        m.negated &&
        !m.framed &&
        (["killself", "euph", "selfharm", "passive"].includes(m.concept) || (m.concept === "kill" && selfObjectClauses.has(m.clause))),
    );
  if (negated) raise(hopeless || msg.has("distress") ? "medium" : "low", "modifier.negated");
  // "I don't want to die — I just wish everything would stop": a death wish denied, then a soft
  // wish with nothing behind it (no means, place, time, plan, self-harm or danger) is passive
  // ideation, medium; the same soft wish with any of those stays a hard stop.
  const deniedDeath = scoped.some((m) => m.negated && !m.framed && (m.concept === "killself" || m.concept === "die"));
  const softOnly =
    !msg.has("killself") &&
    !marker &&
    !harm &&
    !danger &&
    !harmOthers &&
    !armed &&
    !attempt &&
    !lethality &&
    !takeAll &&
    !meansNow &&
    !placeNow &&
    !msg.has("farewell");
  if (deniedDeath && softOnly && isHardStop(level)) {
    level = "medium";
    signals.add("modifier.denied_then_wish");
  }
  const thirdRisk = scoped.some(
    (m) => m.third && !m.framed && ["killself", "euph", "selfharm", "passive", "hopeless", "farewell", "prep"].includes(m.concept),
  );
  const worried =
    msg.has("worry") &&
    scoped.some(
      (m) =>
        (m.concept === "other" ||
          ["die", "killself", "selfharm", "euph", "means", "danger", "hopeless", "farewell", "prep", "kill"].includes(m.concept)) &&
        !m.framed,
    );
  const third = thirdRisk || worried;
  if (third) raise("medium", "modifier.third_person");
  const past = scoped.some(
    (m) =>
      (m.past && !m.framed && ["killself", "selfharm", "done", "passive", "euph", "pastrisk"].includes(m.concept)) ||
      (m.past && !m.framed && m.concept === "die" && selfClauses.has(m.clause)),
  );
  if (past) raise("medium", "modifier.past");
  if (msg.has("distress")) raise("low", "rule.distress");
  if (scoped.some((m) => m.framed)) signals.add("modifier.frame");

  if (
    ideation ||
    passive ||
    euph ||
    attempt ||
    lethality ||
    meansNow ||
    placeNow ||
    takeAll ||
    gathered ||
    ((farewells > 0 || msg.has("prep")) && levelRank(level) >= levelRank("high"))
  )
    categories.add("suicidal_ideation");
  if (harm || (past && scoped.some((m) => m.past && m.concept === "selfharm"))) categories.add("self_harm");
  if (harmOthers || harmNamed || armed) categories.add("harm_to_others");
  if (msg.has("ed")) categories.add("eating_disorder");
  if (danger) categories.add("abuse_or_danger");
  if (third) categories.add("concern_for_other");
  if (hopeless || msg.has("distress")) categories.add("distress");
  if (level === "none") categories.clear();

  return {
    level,
    categories: [...categories].sort(),
    signals: [...signals].sort(),
    markers,
    intent: intent || attempt,
    frame: scoped.some((m) => m.concept === "frame"),
    reassure: scoped.some((m) => m.concept === "reassure"),
    lang,
    words: list.length,
    concepts: [
      ...new Set(
        scoped.map((m) =>
          m.negated
            ? `${m.concept}:neg`
            : m.third
              ? `${m.concept}:third`
              : m.past
                ? `${m.concept}:past`
                : m.framed
                  ? `${m.concept}:frame`
                  : m.concept,
        ),
      ),
    ],
  };
}

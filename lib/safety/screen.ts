// The crisis screen: pure, synchronous, no I/O. screen(text, { history }) → level, categories,
// signals (rule ids, never text) and which layer decided. Three layers, all offline:
// - the concept grammar (grammar.ts) reads the message and each recent turn, in every supported
//   language, with scope (negation, subject, past, benign frame);
// - the conversation rules below read the recent turns as context: a risk stated a few turns ago
//   keeps a mild follow-up at a hard stop, and a time or means that completes it is imminent; a
//   benign frame set earlier (a game, a rehearsal) scopes a later risk word;
// - the learned layer (model.ts) scores the same message and turns, and can raise the level; it
//   can also let go of a hard stop that rests only on circumstances (a goodbye, a time, an object)
//   when it is confident the message is benign — never one that rests on stated intent.
// Negated statements never hard-stop on the learned layer alone.
import { analyze, type Analysis, type Marker } from "./grammar.js";
import { featurize } from "./features.js";
import { isHardStop, levelRank, maxLevel, type SafetyLevel } from "./levels.js";
import { levelFromScores, modelAvailable, scoreFeatures } from "./model.js";

/** What a turn contributes to reading the conversation as one text: its last 1,000 characters. */
const tail = (turn: string) => (turn.length > 1000 ? turn.slice(-1000) : turn);

function withSignal(a: Analysis, signal: string): Analysis {
  return { ...a, signals: [...a.signals, signal] };
}

export type Layer = "grammar" | "conversation" | "model" | "judge";

export interface ScreenResult {
  level: SafetyLevel;
  categories: string[];
  signals: string[];
  /** The layer whose level was kept; none when nothing was found. */
  decidedBy: Layer | "none";
  /** Leading language of the message, for the reply. */
  lang: string;
}

/** Earlier user turns that count as context. */
export const HISTORY_TURNS = 4;
const COMPLETING: ReadonlySet<Marker> = new Set(["soon", "means", "place", "prep", "plan", "done", "farewell", "gathered", "take"]);
const AT_HAND: ReadonlySet<Marker> = new Set(["means", "place", "done", "gathered", "take"]);

/** Grammar rules that set a hard stop. */
const HARD_RULES: ReadonlySet<string> = new Set([
  "rule.attempt",
  "rule.intent_with_marker",
  "rule.ideation",
  "rule.self_harm",
  "rule.danger",
  "rule.harm_others",
  "rule.lethality",
  "rule.take_all",
  "rule.euphemism",
  "rule.means_at_hand",
  "rule.lethal_place",
  "rule.wish_with_means",
  "rule.gathered_means",
  "rule.preparation_with_time",
  "rule.preparation",
  "rule.farewell_with_time",
  "rule.farewell",
  "rule.wish_with_marker",
  "rule.armed_with_target",
]);
/** Of those, the ones that rest on circumstances rather than stated intent. A preparation with a
 * time is never among them: round 16 showed the learned layer letting go of real ones. */
const CIRCUMSTANTIAL: ReadonlySet<string> = new Set([
  "rule.attempt",
  "rule.danger",
  "rule.harm_others",
  "rule.lethality",
  "rule.take_all",
  "rule.means_at_hand",
  "rule.lethal_place",
  "rule.preparation",
  "rule.farewell_with_time",
  "rule.farewell",
  "rule.wish_with_marker",
  "rule.armed_with_target",
]);
/** The learned layer's probability below which it calls a circumstantial hard stop benign. */
const VETO_BELOW = 0.15;

/** Longest message, in words, the learned layer reads (its training messages are chat-length). */
const MODEL_MAX_WORDS = 80;

/** Concepts that make a message worth the learned layer's opinion. */
const RISK_CONCEPTS: ReadonlySet<string> = new Set([
  "die",
  "kill",
  "killself",
  "euph",
  "passive",
  "wishp",
  "means",
  "place",
  "strongat",
  "gathered",
  "take",
  "done",
  "underway",
  "howmuch",
  "prep",
  "farewell",
  "plan",
  "selfharm",
  "danger",
  "weapon",
  "hopeless",
  "distress",
  "worry",
  "pastrisk",
  "ed",
  "selfobj",
]);

export interface ScreenOptions {
  history?: readonly string[];
  /** Turn the learned layer off (for comparing layers in eval:safety). */
  model?: boolean;
}

export function screen(text: string, options: ScreenOptions = {}): ScreenResult {
  const history = (options.history ?? []).slice(-HISTORY_TURNS);
  // Turn by turn: a benign frame (a game, a rehearsal, a film) set in a turn that carried no risk
  // scopes the turns after it, this message included.
  let framedBefore = false;
  let riskBefore = false;
  const earlier = history.map((turn) => {
    const a = analyze(turn, { framed: framedBefore });
    if (levelRank(a.level) >= levelRank("medium")) riskBefore = true;
    // A frame around means ("the oxy from my knee surgery is still in the drawer") says where they
    // came from; it does not make the conversation after it a game.
    else if (a.frame && !riskBefore && !a.concepts.some((c) => c.startsWith("means") || c.startsWith("place"))) framedBefore = true;
    return a;
  });
  const current = framedBefore ? withSignal(analyze(text, { framed: true }), "history.frame") : analyze(text);
  // The earlier turns read together too: means in one, a time in the next ("I've saved my pills" … "tonight").
  const together = history.length > 1 ? analyze(history.slice(-3).map(tail).join("\n"), { framed: framedBefore }) : undefined;

  let level = current.level;
  let decidedBy: ScreenResult["decidedBy"] = level === "none" ? "none" : "grammar";
  const signals = new Set(current.signals);
  const categories = new Set(current.categories);
  // A raise from the conversation takes its categories from the turns that carried the risk, read alone or together.
  const carried: readonly Analysis[] = together ? [...earlier, together] : earlier;
  const raise = (to: SafetyLevel, signal: string, layer: Layer, from: readonly Analysis[] = carried) => {
    signals.add(signal);
    if (levelRank(to) <= levelRank(level)) return;
    level = to;
    decidedBy = layer;
    for (const a of from) a.categories.forEach((c) => categories.add(c));
  };

  // The conversation: risk stated a few turns ago, and what the latest message adds to it.
  const recent = [...earlier.slice(-3), ...(together ? [together] : [])];
  const earlierLevel = recent.reduce<SafetyLevel>((max, a) => maxLevel(max, a.level), "none");
  const earlierMarkers = new Set(recent.flatMap((a) => [...a.markers]));
  const nowCompletes = [...current.markers].some((m) => COMPLETING.has(m));
  const nowAtHand = [...current.markers].some((m) => AT_HAND.has(m));
  // "lo de 'me quiero morir' era por el examen, no va en serio": a latest message that names its
  // benign frame and takes the words back lowers an earlier hard stop to medium, never below.
  const retracts = current.frame && current.reassure && levelRank(current.level) <= levelRank("low") && !nowCompletes;
  if (isHardStop(earlierLevel) && !framedBefore && retracts) {
    raise("medium", "history.retracted", "conversation");
  } else if (isHardStop(earlierLevel) && !framedBefore) {
    raise(earlierLevel === "imminent" || nowCompletes ? "imminent" : "high", "history.after_hard_stop", "conversation");
  } else if (levelRank(earlierLevel) >= levelRank("medium") && !framedBefore) {
    if (nowAtHand) raise("imminent", "history.wish_then_means", "conversation");
    else if (nowCompletes) raise("high", "history.wish_then_marker", "conversation");
    else if (level === "medium" && recent.filter((a) => levelRank(a.level) >= levelRank("medium")).length >= 2)
      raise("high", "history.persistent", "conversation");
    else raise("medium", "history.after_risk", "conversation");
  }
  if (current.intent && [...earlierMarkers].some((m) => COMPLETING.has(m))) raise("imminent", "history.marker_then_intent", "conversation");
  // After earlier risk, the whole conversation read as one text: "I keep thinking about the bridge" … "I'm here now".
  if (levelRank(earlierLevel) >= levelRank("medium") && !framedBefore && !retracts) {
    const whole = analyze([...history.slice(-3), text].map(tail).join("\n"));
    raise(whole.level, "history.together", "conversation", [whole]);
  }

  // The learned layer: it may raise the level, but a negated statement or a benign frame caps it.
  // It speaks only where the grammar saw something of risk, in this message or the recent turns:
  // a learned weight on a word like "again" must not turn "hello again" into a crisis.
  // It was trained on chat-length messages: a long text (an article, a story, a long reflection) is the grammar's alone.
  const aboutSelf = current.words <= 24 || current.concepts.some((c) => c === "self" || c === "selfobj" || c === "killself");
  const seen =
    current.words <= MODEL_MAX_WORDS &&
    aboutSelf &&
    [current, ...earlier].some((a) => a.concepts.some((c) => RISK_CONCEPTS.has(c.split(":")[0]!)));
  if (seen && options.model !== false && modelAvailable()) {
    const scores = scoreFeatures(featurize(text, current, history, earlier));
    const learned = levelFromScores(scores);
    // A hard stop that rests only on circumstantial rules (a goodbye, a time, an object at hand)
    // yields when the learned layer is confident the message is benign ("goodbye refined carbs,
    // it was nice knowing u"); explicit intent, and risk earlier in the conversation, never do.
    const circumstantial = current.signals.filter((s) => s.startsWith("rule.") && HARD_RULES.has(s));
    if (
      decidedBy === "grammar" &&
      isHardStop(level) &&
      !isHardStop(earlierLevel) &&
      circumstantial.length > 0 &&
      circumstantial.every((s) => CIRCUMSTANTIAL.has(s)) &&
      scores.medium < VETO_BELOW &&
      scores.high < VETO_BELOW
    ) {
      level = levelRank(learned) > levelRank("low") ? learned : "low";
      decidedBy = "model";
      signals.add("model.benign_context");
      categories.clear();
      if (level !== "none") categories.add("distress");
    }
    const negatedOnly =
      (current.signals.includes("modifier.negated") || current.signals.includes("modifier.denied_then_wish")) &&
      !current.intent &&
      !isHardStop(earlierLevel);
    const framedOnly =
      (framedBefore || current.signals.includes("modifier.frame")) && !current.intent && levelRank(level) <= levelRank("low");
    const cap: SafetyLevel = framedOnly ? "low" : negatedOnly ? "medium" : "imminent";
    const raised = levelRank(learned) > levelRank(cap) ? cap : learned;
    if (levelRank(raised) > levelRank(level)) {
      if (categories.size === 0) categories.add(raised === "low" ? "distress" : "suicidal_ideation");
      raise(raised, `model.${raised}`, "model", []);
    }
  }
  if (level === "none") categories.clear();
  return { level, categories: [...categories].sort(), signals: [...signals].sort(), decidedBy, lang: current.lang };
}

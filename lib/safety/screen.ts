// The crisis screen: pure, synchronous, no I/O. screen(text, { history }) → level, categories,
// signals (rule ids, never text) and which layer decided. Two layers, offline:
// - the concept grammar (grammar.ts) reads the message and each recent turn, in every supported
//   language, with scope (negation, subject, past, benign frame);
// - the conversation rules below read the recent turns as context: a risk stated a few turns ago
//   keeps a mild follow-up at a hard stop, and a time or means that completes it is imminent; a
//   benign frame set earlier (a game, a rehearsal) scopes a later risk word;
// - the learned layer (model.ts) scores the same message and turns, and can raise the level.
// Negated statements never hard-stop on the learned layer alone.
import { analyze, type Analysis, type Marker } from "./grammar.js";
import { featurize } from "./features.js";
import { isHardStop, levelRank, maxLevel, type SafetyLevel } from "./levels.js";
import { levelFromScores, modelAvailable, scoreFeatures } from "./model.js";

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

/** Concepts that make a message worth the learned layer's opinion. */
const RISK_CONCEPTS: ReadonlySet<string> = new Set(["die", "kill", "killself", "euph", "passive", "wishp", "means", "place", "strongat", "gathered", "take", "done", "underway", "howmuch", "prep", "farewell", "plan", "selfharm", "danger", "weapon", "hopeless", "distress", "worry", "pastrisk", "ed", "selfobj"]);

export interface ScreenOptions {
  history?: readonly string[];
  /** Turn the learned layer off (for comparing layers in eval:safety). */
  model?: boolean;
}

export function screen(text: string, options: ScreenOptions = {}): ScreenResult {
  const history = (options.history ?? []).slice(-HISTORY_TURNS);
  const earlier = history.map((turn) => analyze(turn));
  let current = analyze(text);
  const framedBefore = earlier.some((a) => a.frame && levelRank(a.level) <= levelRank("low"));
  if (framedBefore && levelRank(current.level) >= levelRank("medium")) {
    const framed = analyze(text, { framed: true });
    if (levelRank(framed.level) < levelRank(current.level)) current = { ...framed, signals: [...framed.signals, "history.frame"] };
  }

  let level = current.level;
  let decidedBy: ScreenResult["decidedBy"] = level === "none" ? "none" : "grammar";
  const signals = new Set(current.signals);
  const categories = new Set(current.categories);
  const raise = (to: SafetyLevel, signal: string, layer: Layer, from: readonly Analysis[] = earlier) => {
    signals.add(signal);
    if (levelRank(to) <= levelRank(level)) return;
    level = to;
    decidedBy = layer;
    for (const a of from) a.categories.forEach((c) => categories.add(c));
  };

  // The conversation: risk stated a few turns ago, and what the latest message adds to it.
  const recent = earlier.slice(-3);
  const earlierLevel = recent.reduce<SafetyLevel>((max, a) => maxLevel(max, a.level), "none");
  const earlierMarkers = new Set(recent.flatMap((a) => [...a.markers]));
  const nowCompletes = [...current.markers].some((m) => COMPLETING.has(m));
  const nowAtHand = [...current.markers].some((m) => AT_HAND.has(m));
  if (isHardStop(earlierLevel) && !framedBefore) {
    raise(earlierLevel === "imminent" || nowCompletes ? "imminent" : "high", "history.after_hard_stop", "conversation");
  } else if (levelRank(earlierLevel) >= levelRank("medium") && !framedBefore) {
    if (nowAtHand) raise("imminent", "history.wish_then_means", "conversation");
    else if (nowCompletes) raise("high", "history.wish_then_marker", "conversation");
    else if (level === "medium" && recent.filter((a) => levelRank(a.level) >= levelRank("medium")).length >= 2) raise("high", "history.persistent", "conversation");
    else raise("medium", "history.after_risk", "conversation");
  }
  if (current.intent && [...earlierMarkers].some((m) => COMPLETING.has(m))) raise("imminent", "history.marker_then_intent", "conversation");

  // The learned layer: it may raise the level, but a negated statement or a benign frame caps it.
  // It speaks only where the grammar saw something of risk, in this message or the recent turns:
  // a learned weight on a word like "again" must not turn "hello again" into a crisis.
  const seen = [current, ...earlier].some((a) => a.concepts.some((c) => RISK_CONCEPTS.has(c.split(":")[0]!)));
  if (seen && options.model !== false && modelAvailable()) {
    const learned = levelFromScores(scoreFeatures(featurize(text, current, history, earlier)));
    const negatedOnly = current.signals.includes("modifier.negated") && !current.intent && !isHardStop(earlierLevel);
    const framedOnly = (framedBefore || current.signals.includes("modifier.frame")) && !current.intent && levelRank(level) <= levelRank("low");
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

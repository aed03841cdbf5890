// The language modules compiled into one matcher: tokens → concept matches. Built once, on first
// use. Matching is linear in the number of tokens: each token looks up the phrases that start with
// it (exactly, or by a bounded set of prefixes) and checks each against the next few tokens.
import { LANGUAGES } from "./lang/index.js";
import type { Concept, Language } from "./lang/types.js";
import { foldText, spellOut, tokenize, type Token } from "./normalize.js";

export interface Match {
  concept: Concept;
  /** Token span [start, end). */
  start: number;
  end: number;
  lang: Language["code"];
}

interface Entry {
  words: string[];
  /** Per word: true when it is a prefix ("suicid*"). */
  prefix: boolean[];
  concept: Concept;
  lang: Language["code"];
  /** Counts only when its language leads the message's profile ("!die"). */
  ambiguous: boolean;
}

interface Compiled {
  /** Phrases by their first word: one-word phrases and those whose second word is a prefix. */
  exact: Map<string, Entry[]>;
  /** Phrases of two or more words by their first two words ("end my" → "end my life"). */
  pairs: Map<string, Entry[]>;
  prefix: Map<string, Entry[]>;
  vocab: Set<string>;
  /** Every lexicon word with its repeated letters squeezed ("kill" → "kil"), for stretched words. */
  squeezed: Map<string, string>;
  /** Lexicon words by length, for masked words ("k?ll"). */
  byLength: Map<number, string[]>;
  stop: Map<string, Language["code"][]>;
}

const MIN_STEM = 3;
const MAX_STEM = 14;

export function squeezeAll(word: string): string {
  let out = "";
  for (let i = 0; i < word.length; i++) if (word[i] !== word[i - 1]) out += word[i];
  return out;
}

const PLAIN = /^[a-z0-9]+$/;

/** A lexicon word as the tokenizer would read it; most are already plain lower-case words. */
function plainWords(raw: string): string[] {
  return PLAIN.test(raw) ? spellOut(raw) : tokenize(raw).map((t) => t.w);
}

function compile(languages: readonly Language[]): Compiled {
  const c: Compiled = {
    exact: new Map(),
    pairs: new Map(),
    prefix: new Map(),
    vocab: new Set(),
    squeezed: new Map(),
    byLength: new Map(),
    stop: new Map(),
  };
  const push = (map: Map<string, Entry[]>, key: string, entry: Entry) => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };
  const seen = new Map<string, Entry>();
  const byLength = new Set<string>();
  const english = new Set<string>();
  for (const language of languages.filter((l) => l.code === "en")) {
    for (const word of language.stopwords) english.add(foldText(word));
    for (const phrases of Object.values(language.lexicon))
      for (const phrase of phrases ?? [])
        for (const raw of phrase.replace(/^!/, "").split(" "))
          if (raw && !raw.endsWith("*")) plainWords(raw).forEach((w) => english.add(w));
  }
  for (const language of languages) {
    for (const word of language.stopwords) {
      const folded = foldText(word);
      c.vocab.add(folded);
      const langs = c.stop.get(folded) ?? [];
      if (!langs.includes(language.code)) langs.push(language.code);
      c.stop.set(folded, langs);
    }
    for (const [concept, phrases] of Object.entries(language.lexicon) as [Concept, readonly string[]][]) {
      for (const phrase of phrases) {
        const ambiguous = phrase.startsWith("!");
        const words: string[] = [];
        const prefix: boolean[] = [];
        for (const raw of (ambiguous ? phrase.slice(1) : phrase).split(" ")) {
          if (!raw) continue;
          if (raw.endsWith("*") && raw.length > MIN_STEM) {
            words.push(foldText(raw.slice(0, -1)));
            prefix.push(true);
            continue;
          }
          for (const w of plainWords(raw)) {
            words.push(w);
            prefix.push(false);
          }
        }
        if (!words.length) continue;
        // An English word in another language's lexicon ("cutting" in Spanish slang, "boss" in a
        // German game frame) counts only when that language leads, unless English has it too.
        const borrowed = language.code !== "en" && words.every((w, i) => !prefix[i] && english.has(w));
        const entry: Entry = { words, prefix, concept, lang: language.code, ambiguous: ambiguous || borrowed };
        const key = `${concept}|${words.join(" ")}|${prefix.join("")}`;
        const twin = seen.get(key);
        if (twin) {
          // The same phrase in two languages (or twice): one entry, unambiguous if either is.
          twin.ambiguous &&= entry.ambiguous;
          continue;
        }
        seen.set(key, entry);
        if (prefix[0]) push(c.prefix, words[0]!, entry);
        else if (words.length > 1 && !prefix[1]) push(c.pairs, `${words[0]} ${words[1]}`, entry);
        else push(c.exact, words[0]!, entry);
        words.forEach((word, i) => {
          if (prefix[i]) return;
          c.vocab.add(word);
          if (concept === "idiom" || concept === "frame") return;
          if (!c.squeezed.has(squeezeAll(word))) c.squeezed.set(squeezeAll(word), word);
          if (word.length >= 3) byLength.add(word);
        });
      }
    }
  }
  for (const word of byLength) {
    const list = c.byLength.get(word.length);
    if (list) list.push(word);
    else c.byLength.set(word.length, [word]);
  }
  return c;
}

let compiled: Compiled | undefined;
const lexicon = (): Compiled => (compiled ??= compile(LANGUAGES));

/** Split a joined run ("killmyself") into known words, or null. Dynamic programming, bounded by word length. */
function segment(word: string, vocab: Set<string>): string[] | null {
  const best: (string[] | null)[] = Array.from({ length: word.length + 1 }, () => null);
  best[0] = [];
  for (let end = 1; end <= word.length; end++) {
    for (let start = Math.max(0, end - 16); start < end; start++) {
      const prev = best[start];
      const piece = word.slice(start, end);
      if (prev && (piece.length >= 2 || piece === "i") && vocab.has(piece) && (!best[end] || prev.length + 1 < best[end]!.length))
        best[end] = [...prev, piece];
    }
  }
  return best[word.length] ?? null;
}

function isNumber(word: string): boolean {
  for (const ch of word) if (ch < "0" || ch > "9") return false;
  return word.length > 0;
}

function matchesMask(pattern: string, word: string): boolean {
  for (let i = 0; i < pattern.length; i++) if (pattern[i] !== "?" && pattern[i] !== word[i]) return false;
  return true;
}

export interface Words {
  words: string[];
  /** A clause break comes before the word at this index. */
  breaks: boolean[];
  /** A comma comes before the word at this index. */
  commas: boolean[];
}

/** Tokens resolved to lexicon words: stretched, masked and spelled-out words become the words they stand for. */
export function words(text: string): Words {
  const c = lexicon();
  const out: Words = { words: [], breaks: [], commas: [] };
  const add = (word: string, brk: boolean, comma = false) => {
    out.words.push(word);
    out.breaks.push(brk);
    out.commas.push(comma);
  };
  for (const token of tokenize(text)) add1(token);
  // "5 kms" is a distance, not "kill myself".
  for (let i = 1; i < out.words.length; i++) if (out.words[i] === "kms" && isNumber(out.words[i - 1]!)) out.words[i] = "km";
  return out;

  function add1(token: Token): void {
    const { w } = token;
    if (c.vocab.has(w)) return add(w, token.brk, token.comma);
    if (token.sq) {
      const word = c.vocab.has(token.sq) ? token.sq : c.squeezed.get(squeezeAll(w));
      if (word) return add(word, token.brk);
    }
    if (token.masked) {
      const word = c.byLength.get(w.length)?.find((candidate) => matchesMask(w, candidate));
      if (word) return add(word, token.brk);
    }
    if (token.joined && w.length <= 40) {
      const parts = segment(w, c.vocab);
      if (parts) return parts.forEach((part, i) => add(part, i === 0 && token.brk));
    }
    add(token.sq ?? w, token.brk, token.comma);
  }
}

/** Which language's function words dominate; English wins ties (it is always tried). */
export function leadingLanguage(list: readonly string[]): Language["code"] {
  const counts = new Map<Language["code"], number>();
  for (const word of list) for (const lang of lexicon().stop.get(word) ?? []) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  let leader: Language["code"] = "en";
  let best = counts.get("en") ?? 0;
  for (const [lang, n] of counts) if (n > best) [leader, best] = [lang, n];
  return leader;
}

const CANDIDATE_CACHE = 20_000;
const candidateCache = new Map<string, Entry[]>();

/** The phrases that can start at a word: exact first words and prefixes of it. Cached per word (bounded). */
function candidates(c: Compiled, word: string): Entry[] {
  const cached = candidateCache.get(word);
  if (cached) return cached;
  const list = [...(c.exact.get(word) ?? [])];
  for (let k = MIN_STEM; k <= Math.min(word.length, MAX_STEM); k++) {
    const entries = c.prefix.get(word.slice(0, k));
    if (entries) list.push(...entries);
  }
  if (candidateCache.size >= CANDIDATE_CACHE) candidateCache.clear();
  candidateCache.set(word, list);
  return list;
}

/** Every concept match in the words, including overlapping ones. A phrase does not run across a
 * sentence break ("full stop. everything we are taught" is not "stop everything"). */
export function tag(list: readonly string[], breaks: readonly boolean[] = []): { matches: Match[]; lang: Language["code"] } {
  const c = lexicon();
  const lang = leadingLanguage(list);
  const matches: Match[] = [];
  const fits = (entry: Entry, at: number): boolean => {
    if (entry.ambiguous && entry.lang !== lang) return false;
    if (at + entry.words.length > list.length) return false;
    for (let k = 0; k < entry.words.length; k++) {
      if (k > 0 && breaks[at + k]) return false;
      const word = list[at + k]!;
      if (entry.prefix[k] ? !word.startsWith(entry.words[k]!) : word !== entry.words[k]) return false;
    }
    return true;
  };
  const add = (entry: Entry, i: number) => {
    if (fits(entry, i)) matches.push({ concept: entry.concept, start: i, end: i + entry.words.length, lang: entry.lang });
  };
  for (let i = 0; i < list.length; i++) {
    for (const entry of candidates(c, list[i]!)) add(entry, i);
    if (i + 1 < list.length) for (const entry of c.pairs.get(`${list[i]} ${list[i + 1]}`) ?? []) add(entry, i);
  }
  return { matches, lang };
}

// Text → tokens for the crisis screen, in one pass and linear time. People in distress misspell,
// abbreviate and (on platforms that filter words) disguise what they write: "k1ll mys3lf",
// "diiiie", "k.i.l.l", "k i l l  m y s e l f", "k*ll", zero-width characters, emoji. The
// normaliser undoes these without turning benign words into risk words: leetspeak is undone only
// inside words that also have letters, stretched and masked words only resolve to words the
// lexicon knows, and spelled-out letters are joined only in runs of three or more.
//
// The only regular expressions here are single character classes (no quantified groups), so no
// input can make them backtrack.

export interface Token {
  /** The normalised word. */
  w: string;
  /** A clause break (sentence punctuation or a line break) comes before this token. */
  brk: boolean;
  /** A comma comes before this token (it bounds a benign frame's reach). */
  comma?: boolean;
  /** Squeezed form ("diiie" → "die") when the word had a letter repeated three or more times. */
  sq?: string;
  /** The word had masking symbols ("k*ll"): "?" stands for each masked letter. */
  masked?: boolean;
  /** Letters spelled out one by one and joined back ("k i l l"). */
  joined?: boolean;
}

const ZERO_WIDTH =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF]/g;
const MARKS = /\p{M}/gu;
const LETTER = /\p{L}/u;
const NON_ASCII = /[^\x00-\x7f]/;

/** A letter in any script; ASCII without a regular expression (this runs for every character). */
/** Letters of the Basic Multilingual Plane, learned once per character: 0 unknown, 1 letter, 2 not. */
const BMP_LETTERS = new Uint8Array(0x10000);

function isLetter(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  if (Number.isNaN(c)) return false;
  if (ch.length === 1) {
    const known = BMP_LETTERS[c]!;
    if (known) return known === 1;
    const letter = LETTER.test(ch);
    BMP_LETTERS[c] = letter ? 1 : 2;
    return letter;
  }
  return LETTER.test(ch);
}
const LEET: Record<string, string> = {
  "0": "o",
  "1": "i",
  "3": "e",
  "4": "a",
  "5": "s",
  "7": "t",
  "8": "b",
  "@": "a",
  $: "s",
  "!": "i",
  "|": "l",
  "€": "e",
};
const MASK = new Set(["*", "#", "?", "_", "%"]);
const SENTENCE = new Set([".", "!", "?", ";", "…", "\n", "。", "¿", "¡"]);
const APOSTROPHE = new Set(["'", "\u2018", "\u2019", "\u201B", "\u2032", "`", "\u00B4", "\u02BC"]);
const SPELL_SEPARATORS = new Set([".", "-", "_", "*", "·", "~", "/", "+"]);
/** Emoji that name a means or death, read as words. 💀 is mostly laughter: it reads as "skull", which
 * only the phrases "want to 💀", "gonna 💀" make a death wish. */
const EMOJI_WORDS: Record<string, string> = {
  "💊": "pills",
  "🔪": "knife",
  "🔫": "gun",
  "🪢": "rope",
  "⚰": "death",
  "🪦": "grave",
  "🩸": "blood",
  "🌉": "bridge",
  "😂": "lol",
  "🤣": "lol",
  "💤": "sleep",
  "💀": "skull",
};

/** Longest word the normaliser treats as a word; longer runs are split (keeps per-word work bounded). */
const MAX_WORD = 40;

/** Chat spellings and English contractions written without an apostrophe, spelled out ("dont" → do not). */
const SPELLING: Record<string, string[]> = Object.fromEntries(
  Object.entries({
    dont: "do not",
    cant: "can not",
    cannot: "can not",
    wont: "will not",
    didnt: "did not",
    doesnt: "does not",
    isnt: "is not",
    arent: "are not",
    wasnt: "was not",
    werent: "were not",
    wouldnt: "would not",
    couldnt: "could not",
    shouldnt: "should not",
    havent: "have not",
    hasnt: "has not",
    aint: "am not",
    im: "i am",
    ive: "i have",
    youre: "you are",
    theyre: "they are",
    hes: "he is",
    shes: "she is",
    thats: "that is",
    whats: "what is",
    theres: "there is",
    its: "it is",
    lets: "let us",
    wanna: "want to",
    gonna: "going to",
    gunna: "going to",
    gotta: "got to",
    tryna: "trying to",
    kinda: "kind of",
    idk: "i do not know",
    rn: "right now",
    tmrw: "tomorrow",
    tmr: "tomorrow",
    "2nite": "tonight",
    tonite: "tonight",
    "2day": "today",
    bc: "because",
    cuz: "because",
    coz: "because",
    b4: "before",
    nvm: "never mind",
    ppl: "people",
    pls: "please",
    plz: "please",
    thx: "thanks",
    u: "you",
    ur: "your",
    wud: "would",
    wuld: "would",
    shud: "should",
    cud: "could",
    wat: "what",
    evrything: "everything",
    everyi: "everyone",
    somei: "someone",
    anyi: "anyone",
    noi: "no one",
    ima: "i am going to",
    imma: "i am going to",
    gnight: "good night",
    ty: "thank you",
    tbh: "to be honest",
    ngl: "not going to lie",
    smh: "shaking my head",
  }).map(([k, v]) => [k, v.split(" ")]),
);

/** A plain lower-case word as the tokenizer spells it out ("dont" → do not). */
export const spellOut = (word: string): string[] => SPELLING[word] ?? [word];

const PRONOUN_S = new Set(["it", "he", "she", "that", "there", "what", "who", "this", "everything", "nothing", "life"]);

/** English contractions, after the apostrophe: "don't" → do not, "i'm" → i am. */
function contraction(stem: string, tail: string): string[] | null {
  if (tail === "t" && stem.endsWith("n")) {
    if (stem === "can" || stem === "ca") return ["can", "not"];
    if (stem === "won" || stem === "wo") return ["will", "not"];
    if (stem === "ain") return ["am", "not"];
    return [stem.slice(0, -1), "not"];
  }
  if (stem === "i" && tail === "m") return ["i", "am"];
  if (tail === "ll") return [stem, "will"];
  if (tail === "ve") return [stem, "have"];
  if (tail === "re") return [stem, "are"];
  if (tail === "d" && stem.length <= 4) return [stem, "would"];
  if (tail === "s") return PRONOUN_S.has(stem) ? [stem, "is"] : [stem];
  return null;
}

/** Case, Unicode form, accents and zero-width characters. */
export function foldText(input: string): string {
  if (!NON_ASCII.test(input)) return input.toLowerCase();
  return input.normalize("NFKC").replace(ZERO_WIDTH, "").toLowerCase().normalize("NFKD").replace(MARKS, "").normalize("NFC");
}

function squeeze(word: string): string | undefined {
  // Most words have no letter three times in a row: find out before building anything.
  let stretched3 = false;
  for (let i = 2; i < word.length && !stretched3; i++) stretched3 = word[i] === word[i - 1] && word[i] === word[i - 2];
  if (!stretched3) return undefined;
  let out = "";
  let run = 0;
  let stretched = false;
  for (let i = 0; i < word.length; i++) {
    if (i > 0 && word[i] === word[i - 1]) {
      run++;
      if (run >= 2) stretched = true;
      continue;
    }
    run = 0;
    out += word[i];
  }
  return stretched ? out : undefined;
}

interface Piece {
  text: string;
  /** Whitespace characters before the piece, and whether a spell separator (".", "-") joined it to the previous one. */
  gap: number;
  spelled: boolean;
  brk: boolean;
  comma: boolean;
}

/** Split folded text into word pieces, tracking gaps, sentence breaks and spell separators. */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let word = "";
  let gap = 0;
  let brk = false;
  let comma = false;
  let spelled = false;
  const chars = [...text];
  const flush = () => {
    if (word) {
      for (let i = 0; i < word.length; i += MAX_WORD) out.push({ text: word.slice(i, i + MAX_WORD), gap, spelled, brk, comma });
      gap = 0;
      brk = false;
      comma = false;
      spelled = false;
    }
    word = "";
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const emoji = EMOJI_WORDS[ch];
    if (emoji) {
      flush();
      word = emoji;
      gap = 1;
      flush();
      continue;
    }
    if ((ch >= "0" && ch <= "9") || isLetter(ch)) {
      word += ch;
      continue;
    }
    const prevWord = word.length > 0;
    const next = chars[i + 1] ?? "";
    const nextWordy = isLetter(next) || (next >= "0" && next <= "9") || next in LEET;
    // Symbols inside a word: leetspeak ("k!ll"), masking ("k*ll") or an apostrophe ("don't").
    if (prevWord && nextWordy && (ch in LEET || MASK.has(ch) || APOSTROPHE.has(ch))) {
      // A single letter, then "." or "-", then a single letter: spelled out, not one word.
      if (SPELL_SEPARATORS.has(ch) && word.length === 1 && !isLetter(chars[i + 2] ?? "")) {
        flush();
        continue;
      }
      word += APOSTROPHE.has(ch) ? "'" : ch;
      continue;
    }
    if (!prevWord && ch in LEET && ch !== "!" && nextWordy && !(ch >= "0" && ch <= "9")) {
      word += ch; // "$uicide", "@lone"
      continue;
    }
    flush();
    if (ch === " " || ch === "\t" || ch === "\r") {
      gap++;
    } else if (
      SENTENCE.has(ch) &&
      !(ch === "." && out.length && out[out.length - 1]!.text.length === 1 && (isLetter(next) || next in LEET))
    ) {
      brk = true;
      gap++;
    } else if (SPELL_SEPARATORS.has(ch)) {
      spelled = true;
    } else {
      if (ch === ",") comma = true;
      gap++;
    }
  }
  flush();
  return out;
}

function deLeet(word: string): string {
  let letters = 0;
  let symbols = 0;
  for (const ch of word) {
    if (isLetter(ch)) letters++;
    else if (ch in LEET) symbols++;
  }
  if (!symbols || !letters) return word;
  let out = "";
  for (const ch of word) out += isLetter(ch) ? ch : (LEET[ch] ?? ch);
  return out;
}

/**
 * Tokens of a message. Runs of three or more single letters are joined: letters separated by single
 * spaces or by dots and dashes form one word, and a wider gap starts the next ("k i l l  m e").
 */
function hasMask(word: string): boolean {
  for (const c of word) if (MASK.has(c)) return true;
  return false;
}

export function tokenize(input: string): Token[] {
  const raw = pieces(foldText(input));
  const tokens: Token[] = [];
  // (a leet digit counts as a letter inside such a run, after its first letter: "m 0 r i r")
  const single = (k: number, start: number) => raw[k]!.text.length === 1 && (isLetter(raw[k]!.text) || (k > start && raw[k]!.text in LEET));
  let i = 0;
  while (i < raw.length) {
    // A run of single letters: "k i l l", "k.i.l.l", "d-i-e".
    let j = i;
    while (j < raw.length && single(j, i) && (j === i || !raw[j]!.brk)) j++;
    if (j - i >= 3) {
      // Dotted or dashed runs separate words with a space; spaced runs with a wider gap.
      const dotted = raw.slice(i + 1, j).some((p) => p.spelled);
      let word = "";
      for (let k = i; k < j; k++) {
        const piece = raw[k]!;
        const newWord = k > i && (dotted ? !piece.spelled : piece.gap >= 2);
        if (newWord && word) {
          tokens.push({ w: word, brk: tokens.length === 0 || k === i ? raw[i]!.brk : false, joined: true });
          word = "";
        }
        word += LEET[piece.text] ?? piece.text;
      }
      tokens.push({ w: word, brk: false, joined: true });
      if (raw[i]!.brk) {
        const first = tokens.findLastIndex((t, n) => n < tokens.length && t.joined && (n === 0 || !tokens[n - 1]!.joined));
        if (first >= 0) tokens[first]!.brk = true;
      }
      i = j;
      continue;
    }
    const piece = raw[i]!;
    const word = deLeet(piece.text);
    const apostrophe = word.indexOf("'");
    const parts =
      apostrophe > 0
        ? (contraction(word.slice(0, apostrophe), word.slice(apostrophe + 1)) ?? [word.slice(0, apostrophe), word.slice(apostrophe + 1)])
        : (SPELLING[word] ?? [word]);
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      if (!part) continue;
      const token: Token = { w: part, brk: index === 0 && piece.brk, comma: index === 0 && piece.comma };
      if (hasMask(part)) {
        token.masked = true;
        token.w = [...part].map((c) => (MASK.has(c) ? "?" : c)).join("");
      }
      const sq = squeeze(token.w);
      if (sq) token.sq = sq;
      tokens.push(token);
    }
    i++;
  }
  return tokens;
}

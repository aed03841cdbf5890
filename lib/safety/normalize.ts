// Text normalisation for the crisis screen. People in distress misspell, abbreviate and (on
// platforms that filter words) deliberately disguise what they write: "k1ll mys3lf",
// "diiiie", "k.i.l.l", zero-width characters. Everything here is pure string work.

const ZERO_WIDTH = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF]/g;
const APOSTROPHES = /[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4\u02BC]/g;
const QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/g;
const DASHES = /[\u2010-\u2015\u2212]/g;

// Digits and symbols standing in for letters, only when they sit inside a word ("5 kms" stays).
const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s", "!": "i", "|": "l" };
const LEET_IN_WORD = /(?<=\p{L})[013457@$!|]+|[013457@$|]+(?=\p{L})/gu;

// Common misspellings and contractions without apostrophes, mapped to one spelling.
const SPELLING: Record<string, string> = {
  suicde: "suicide",
  sucide: "suicide",
  suiside: "suicide",
  suicid: "suicide",
  sucidal: "suicidal",
  suicdal: "suicidal",
  suicidle: "suicidal",
  myslef: "myself",
  mysefl: "myself",
  mysef: "myself",
  myelf: "myself",
  meself: "myself",
  kil: "kill",
  kms: "kms",
  wanna: "want to",
  wana: "want to",
  wantto: "want to",
  gonna: "going to",
  gunna: "going to",
  gona: "going to",
  imma: "i am going to",
  ima: "i am going to",
  im: "i am",
  ive: "i have",
  dont: "do not",
  cant: "can not",
  cannot: "can not",
  wont: "will not",
  didnt: "did not",
  doesnt: "does not",
  isnt: "is not",
  wouldnt: "would not",
  couldnt: "could not",
  shouldnt: "should not",
  havent: "have not",
  hasnt: "has not",
  u: "you",
  ur: "your",
  r: "are",
  cuz: "because",
  bc: "because",
  coz: "because",
  tmrw: "tomorrow",
  tmr: "tomorrow",
  tonite: "tonight",
  "2nite": "tonight",
  rn: "right now",
  selfharm: "self harm",
  killmyself: "kill myself",
  killmyslef: "kill myself",
  wanttodie: "want to die",
  endmylife: "end my life",
  hurtmyself: "hurt myself",
  cutmyself: "cut myself",
  selfharming: "self harming",
  dieing: "dying",
  overdoes: "overdose",
  overdosing: "overdosing",
  pils: "pills",
  harme: "harm",
  hurtin: "hurting",
  killin: "killing",
  cuttin: "cutting",
  nothin: "nothing",
  livin: "living",
};

// English contractions written with an apostrophe, expanded so patterns need one form.
const CONTRACTIONS: [RegExp, string][] = [
  [/\bi'm\b/g, "i am"],
  [/\bi've\b/g, "i have"],
  [/\bi'll\b/g, "i will"],
  [/\bi'd\b/g, "i would"],
  [/\bcan't\b/g, "can not"],
  [/\bwon't\b/g, "will not"],
  [/\b(\w+)n't\b/g, "$1 not"],
  [/\b(he|she|it|that|there|what|who)'s\b/g, "$1 is"],
  [/\b(you|we|they)'re\b/g, "$1 are"],
  [/\b(you|we|they)'ve\b/g, "$1 have"],
  [/\b(you|we|they|he|she)'ll\b/g, "$1 will"],
  [/\b(you|we|they|he|she)'d\b/g, "$1 would"],
];

/** Case, Unicode form, accents, apostrophes, zero-width characters, leetspeak, contractions. */
export function normalize(input: string): string {
  let text = input.normalize("NFKC").replace(ZERO_WIDTH, "").toLowerCase();
  text = text.replace(APOSTROPHES, "'").replace(QUOTES, '"').replace(DASHES, "-");
  // Strip accents so "mí", "à", "möchte" match patterns written without them.
  text = text.normalize("NFKD").replace(/\p{M}+/gu, "").normalize("NFC");
  text = text.replace(LEET_IN_WORD, (run) => [...run].map((c) => LEET[c] ?? c).join(""));
  for (const [pattern, replacement] of CONTRACTIONS) text = text.replace(pattern, replacement);
  text = text.replace(/\p{L}+/gu, (word) => SPELLING[word] ?? word);
  return text.replace(/[ \t]+/g, " ");
}

/** "diiiie" → "die", "soooo" → "so": letters repeated three or more times collapse to one. */
export function collapseStretched(text: string): string {
  return text.replace(/(\p{L})\1{2,}/gu, "$1");
}

/**
 * Letters spelled out one by one — "k i l l  m y s e l f", "k.i.l.l", "d-i-e" — joined back into
 * words. A run of at least three single letters is joined; a double gap separates words.
 */
export function joinSpelledOut(text: string): string {
  return text.replace(/\b(?:\p{L}[ .\-_*·]{1,2}){2,}\p{L}\b/gu, (run) => {
    // "k.i.l.l m.e": dots inside words, spaces between them; "k i l l  m e": double spaces between.
    const words = /[.\-_*·]/.test(run) ? run.split(/\s+/) : run.split(/\s{2,}/);
    return words.map((word) => word.replace(/[ .\-_*·]/g, "")).join(" ");
  });
}

/** The variants the screen matches against: the normalised text, and versions with stretched or spelled-out letters undone. */
export function variants(input: string): string[] {
  const base = normalize(input);
  const out = new Set([base]);
  const collapsed = normalize(collapseStretched(base));
  out.add(collapsed);
  const joined = joinSpelledOut(collapsed);
  if (joined !== collapsed) out.add(normalize(joined));
  return [...out];
}

// What a language module gives the crisis screen: a lexicon of concepts, the words that profile
// the language, and the texts a person reads (safe replies, resource labels). The engine
// (lib/safety/grammar.ts) is language-independent: its rules name concepts, never phrases.
//
// Phrase syntax (matched against normalised tokens: lower case, no accents, leetspeak undone):
// - words separated by single spaces match consecutive tokens: "end my life";
// - a word ending in "*" matches any token that starts with it: "suicid*" (at least 3 letters before "*");
// - a phrase starting with "!" is ambiguous with a common word of another language (English "die",
//   German article "die"): it counts only when this language leads the message's stop-word profile.
// Apostrophes split tokens ("j'ai" → "j ai", "l'ho" → "l ho"); English contractions are expanded
// ("don't" → "do not", "i'm" → "i am"). Write phrases in that form.

/** The concepts a lexicon maps words to. Rules in grammar.ts compose them. */
export const CONCEPTS = {
  self: "first-person subject or possessive: i, me, my",
  selfobj: "the self as the object of harm: myself, my life, my wrists, me (after a harm verb)",
  other: "a third person as subject or object: he, she, they, him, her, my friend, my brother, my boss",
  manner: "a way of living that qualifies a wish not to live: like this, this way, comme ça, así",
  anyone: "indefinite people, as the object of a threat: someone, everyone, people",
  want: "active intent or decision: want to, going to, will, plan to, ready to, decided, about to, need to",
  passive: "a complete passive death wish: wish i was dead, hope i do not wake up, better off dead",
  wishp: "passive wish: wish, would rather, hope i don't, would not mind if, sometimes think about",
  die: "dying and death: die, dying, dead, death, suicide, suicidal, overdose, not be alive",
  kill: "harm verbs that need an object: kill, end, hurt, harm, hang, shoot, stab, drown, poison, strangle",
  killself: "self-directed killing as one phrase: kill myself, end my life, take my own life, kms, unalive",
  euph: "death-wish euphemisms: not be here anymore, disappear forever, not wake up, end it all, check out, log off for good, be done with everything, go to sleep forever",
  means: "means of harm: pills, tablets, meds, blade, razor, knife, rope, noose, belt (as a ligature), gun, bullets, poison, bleach",
  strongat: "presence at the brink, stronger than at: standing on, on the edge, the wrong side of the railing, looking down",
  pastrisk: "risk in the past: my attempt, my scars, used to cut, clean for a year, the night i tried",
  cond: "a condition after a threat that makes it hyperbole: if he, if she, unless",
  place: "a lethal place: bridge, roof, rooftop, ledge, edge, tracks, railway, cliff, railing, overpass, top floor",
  at: "presence at a place now: i am at, i am on, standing on, sitting on, here on, looking down",
  possess: "plain possession, which alone says little: have, got, bought, everything i need",
  underway: "an attempt under way, by what the person feels: getting dizzy, blood everywhere, going numb, it is kicking in",
  hold: "holding or having at hand now: have, got, holding, in my hand, in front of me, lined up, counted, gathered, saved up, collected, stockpiled, bought, ready, next to me",
  gathered: "deliberate gathering of means: lined up, counted out, saved up, stockpiled, collected, hoarded",
  take: "consuming or acting on means: take, taking, swallow, down, drink, use them, jump, step off",
  all: "quantity: all, all of them, the whole bottle, every one, the rest, enough",
  soon: "a time soon: tonight, now, right now, today, tomorrow, this weekend, in an hour, soon, when everyone is asleep, after they leave, before morning",
  done: "completed or under way: just took, already, i did it, swallowed, have taken, started, it is done, getting dizzy, bleeding",
  howmuch: "lethality questions: how much, how many, how high, how long, how deep, which is quickest, fastest, painless, lethal, fatal, enough to, too much, would it take",
  prep: "preparations: a note or letter, a will, gave away, rehomed, affairs in order, passwords, insurance, said my goodbyes",
  farewell: "farewells: goodbye, last message, thank you for everything, take care of my (pet, kids), remember me, sorry for everything",
  plan: "a plan or method decided: i have a plan, i know how, i decided how, i picked a day",
  selfharm: "current self-harm: cut myself, cutting, burn myself, self harm, hurting myself, hitting myself",
  danger: "danger from others: hits me, hurting me, threatened, will not let me leave, locked me in, following me, forced me, trapped, scared for my life",
  weapon: "weapons: gun, knife, bat, rifle, axe, machete",
  ed: "an eating disorder: anorexia, bulimia, purging, starving myself, make myself throw up",
  hopeless: "hopelessness and burden: hopeless, no point, burden, better off without me, no way out, can't go on, give up, no future, worthless",
  distress: "distress without risk: sad, depressed, stressed, lonely, anxious, overwhelmed, exhausted, crying, awful, panic",
  worry: "worry about someone: worried about, scared for, concerned about",
  neg: "negation: not, never, no, no longer, zero, none, nothing",
  negbreak: "verbs after which a negation does not govern what follows: know, sure, stop, help, wait, remember, care",
  past: "past or recovery: used to, years ago, when i was, back then, in the past, last year, recovered, clean for, survived",
  recent: "recency that overrides the past: again, relapse, last night, yesterday, this week, still, lately",
  frame: "a benign frame: game, character, movie, book, novel, play, scene, rehearsal, role, episode, news, article, history, deadline, exam, battery, phone, plants, workout, recipe",
  earnest: "saying a message is meant, which undoes a joke frame in it: not joking, not kidding, no joke, i mean it, for real, seriously",
  reassure: "reassurance: i am okay now, feeling better, just kidding, i am safe, never mind, i will be fine",
  idiom: "benign idioms whose words are consumed: killing me (laughing), dying to, to die for, kill time, killed it, dead tired, deadline, bored to death",
  question: "question words that make a sentence a question: how, which, what, is it",
  but: "a conjunction that starts a new clause: but, however",
} as const;

export type Concept = keyof typeof CONCEPTS;

/** Texts shown to a person at each level, in this language. `{name}` is replaced by the Healing Name. */
export interface ReplyTexts {
  imminent: { opening: string; act: string; question: string };
  high: { opening: string; openingDanger: string; openingOthers: string; question: string; questionOthers: string; talk: string; reach: string };
  medium: { opening: string; openingWorry: string; question: string; listen: string; more: string };
  low: { opening: string; anytime: string; question: string };
  aiNote: string;
  /** "If you are in danger right now, call {number}." */
  emergency: string;
  /** When the country has no single number. */
  emergencyUnknown: string;
  /** Resource line labels: "call {phone}", "text {text}", "chat at {url}". */
  call: string;
  text: string;
  chat: string;
  /** Replaces "24/7" in resource hours. */
  always: string;
  /** "please call {number} now" is inside imminent.act as {emergency}. */
}

export interface Language {
  code: "en" | "es" | "fr" | "de" | "it" | "pt" | "nl";
  name: string;
  /** Frequent function words that profile the language (30–60), for detection. */
  stopwords: readonly string[];
  lexicon: Partial<Record<Concept, readonly string[]>>;
  replies: ReplyTexts;
}

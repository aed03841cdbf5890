// The crisis screen's vocabulary. Each pattern has an id (reported as a signal, never the text)
// and a kind; the kind sets its category and base level. Patterns match normalised text (see
// normalize.ts: lower case, no accents, contractions expanded, "wanna" → "want to"), as whole
// words or phrases. Benign idioms are masked out before matching.
import type { SafetyLevel } from "./levels.js";

export type Kind =
  | "ideation" // current suicidal thoughts or intent
  | "passive" // passive death wish
  | "method" // a method, or seeking one
  | "farewell" // goodbye letters, giving things away, "better off without me"
  | "attempt" // an attempt in progress
  | "selfharm" // current self-harm or the urge
  | "selfharm_topic" // self-harm talked about (scars, "sh", the word itself)
  | "suicide_topic" // suicide talked about
  | "eating" // eating disorder
  | "others" // intent to harm someone else
  | "danger" // being in danger or abused now
  | "hopeless" // hopelessness, feeling a burden
  | "distress" // distress without risk
  | "concern" // worry about someone else at risk
  | "plan" // marker: a plan
  | "means" // marker: access to means
  | "time" // marker: a time
  | "resolve"; // marker: "I'm doing it tonight" — imminent only together with means

export const KIND_INFO: Record<Kind, { category: string | null; level: SafetyLevel }> = {
  ideation: { category: "suicidal_ideation", level: "high" },
  passive: { category: "suicidal_ideation", level: "medium" },
  method: { category: "suicidal_ideation", level: "high" },
  farewell: { category: "suicidal_ideation", level: "high" },
  attempt: { category: "suicidal_ideation", level: "imminent" },
  selfharm: { category: "self_harm", level: "high" },
  selfharm_topic: { category: "self_harm", level: "medium" },
  suicide_topic: { category: null, level: "low" },
  eating: { category: "eating_disorder", level: "medium" },
  others: { category: "harm_to_others", level: "high" },
  danger: { category: "abuse_or_danger", level: "high" },
  hopeless: { category: "distress", level: "medium" },
  distress: { category: "distress", level: "low" },
  concern: { category: "concern_for_other", level: "medium" },
  plan: { category: null, level: "none" },
  means: { category: null, level: "none" },
  time: { category: null, level: "none" },
  resolve: { category: null, level: "none" },
};

export interface Pattern {
  id: string;
  kind: Kind;
  re: RegExp;
}

const ME = "(?:myself|my self)";
const SELF_HARM_VERBS =
  "(?:cut|cutting|cuts|slice|slicing|sliced|burn|burning|burnt|burned|hurt|hurting|harm|harming|harmed|punish|punishing|punished|hit|hitting|scratch|scratching|scratched|stab|stabbing|stabbed|carve|carving|carved|bruise|bruising|bruised|gut|gutting|impale|impaling|flay|flaying|mutilate|mutilating|mutilated|injure|injuring|injured|punch|punching|punched|bite|biting|bit|starve|starving|starved)";
const PEOPLE =
  "(?:him|her|them|someone|somebody|anyone|everyone|everybody|people|my (?:boss|dad|father|mom|mum|mother|stepdad|stepmom|brother|sister|husband|wife|partner|boyfriend|girlfriend|ex|neighbou?r|teacher|coworker|colleague|roommate|baby|kids?|children|son|daughter|family)|the (?:baby|kids?|children|teacher|class|school))";
const THIRD =
  "(?:he|she|they|my (?:friend|best friend|brother|sister|mom|mum|mother|dad|father|son|daughter|partner|boyfriend|girlfriend|husband|wife|cousin|roommate|classmate|kid|child|uncle|aunt|grandma|grandpa)|a friend|someone i know|my friends)";

const DRUGS =
  "(?:pills|tablets|meds|medication|medicine|sleeping pills|painkillers|paracetamol|tylenol|acetaminophen|ibuprofen|aspirin|antidepressants|insulin|opioids|capsules)";

const p = (id: string, kind: Kind, source: string): Pattern => ({ id, kind, re: new RegExp(source, "g") });

export const PATTERNS: Pattern[] = [
  // Suicidal ideation and intent (English)
  p(
    "ideation.kill_myself",
    "ideation",
    `\\b(?:kill|killing|killed|off|offing) ${ME}\\b|\\bkill\\b[^.]{0,30}\\b(?:including|and then|then|and) ${ME}\\b`,
  ),
  p("ideation.kms", "ideation", `(?<!\\d\\s?)\\bkms\\b`),
  p("ideation.end_my_life", "ideation", `\\b(?:end|ending|take|taking) (?:my|my own) life\\b`),
  p("ideation.want_to_die", "ideation", `\\b(?:want|wants|wanted|wanting|ready|need|deserve|plan|planning|trying|tried) to die\\b`),
  p("ideation.suicidal", "ideation", `\\b(?:feel|feeling|felt|am|been|get|getting|so|very|really|actively) suicidal\\b`),
  p(
    "ideation.suicide_verb",
    "ideation",
    `\\b(?:commit|committing|committed|attempt|attempting|attempted|tried|thinking (?:about|of)|think about|considering|contemplating|planning) suicide\\b`,
  ),
  p(
    "ideation.suicide_thoughts",
    "ideation",
    `\\bsuicidal (?:thoughts|ideation|urges|feelings)\\b|\\bsuicide attempts?\\b|\\bsurvived (?:a|an|my|two|several) (?:suicide )?attempts?\\b`,
  ),
  p("ideation.end_it", "ideation", `\\b(?:end|ending) it (?:all|tonight|now|today|for good)\\b|\\bjust end it\\b|\\bend everything\\b`),
  p(
    "ideation.not_live",
    "ideation",
    `\\b(?:do not|not) want to (?:live|be alive|exist|be here) (?:anymore|any more|any longer)\\b|\\b(?:do not|no longer) want to (?:live|be alive)\\b`,
  ),
  p("ideation.better_off_dead", "ideation", `\\bbetter off dead\\b`),
  p(
    "ideation.slang",
    "ideation",
    `\\b(?:unalive|unaliving|unalived) ${ME}\\b|\\bunalive\\b|\\bsewerslide\\b|\\bsewer slide\\b|\\bself[- ]?delete\\b|\\bself[- ]?deleting\\b|\\bctb\\b|\\bcatch the bus\\b(?= .*\\b(?:die|dead|end|tonight|pills|rope)\\b)|\\bgo to sleep forever\\b`,
  ),
  p(
    "ideation.over",
    "ideation",
    `\\b(?:want|need|wish|just want) (?:this|it|it all|everything|my life|the pain|all of this) to (?:be over|end)\\b(?! soon so i can)|\\b(?:rather be dead|rather die|rather not be alive)(?: than| instead of|,)? (?:keep |go on |continue )?(?:living|live|go on|going on|exist|existing|be alive|feel(?:ing)? like this|be like this|wake up)\\b|\\b(?:suicide|death|dying|killing myself|ending it) (?:is|feels like|seems like|looks like) (?:the|my) (?:only|last|best|one) (?:option|answer|way out|solution|choice|escape)\\b|\\bonly way out\\b`,
  ),
  p(
    "ideation.exit",
    "ideation",
    `\\b(?:planning|plan|planned|preparing) my (?:exit|death|suicide|own death|way out|final goodbye)\\b|\\bmy exit plan\\b|\\b(?:stop existing|not exist|disappear|go away|sleep|be gone)[.,!…]*\\s*(?:permanently|forever|for good)\\b|\\b(?:thinking about|thoughts of|thought about|think about) (?:dying|death|killing myself|ending it)\\b.{0,40}\\b(?:want|wish|hope) (?:it|that) (?:to happen|would happen|happens)\\b`,
  ),
  p(
    "ideation.use_on_me",
    "ideation",
    `\\buse (?:it|them|the gun|the pills|the knife|the rope|the razor) on ${ME}\\b|\\b(?:want|going|ready|need) to end it\\b(?! with)`,
  ),
  p(
    "ideation.kill_me",
    "ideation",
    `\\b(?:want|wish|need|begging|beg) (?:someone|somebody|something|god|anyone) (?:to|would|could) (?:kill|end) me\\b`,
  ),
  p("ideation.wish_die", "ideation", `\\b(?:wish|wishing) for (?:my )?death\\b|\\bwant (?:my life|it all) to end\\b`),
  p("ideation.kill_myself_soft", "ideation", `\\b(?:think|thinking|thought|thoughts) (?:about|of) (?:killing|hurting) ${ME}\\b`),
  // Passive death wish
  p(
    "passive.wish_dead",
    "passive",
    `\\b(?:wish|wished|wishing) i (?:was|were|would be|could be) (?:dead|gone|never born|not born|not here|not alive)\\b`,
  ),
  p(
    "passive.not_wake_up",
    "passive",
    `\\b(?:hope|hoping|wish|pray|praying) (?:that )?i (?:do not|never|will not|would not) wake up\\b|\\bnever wake up\\b|\\bfall asleep and (?:never|not) wake\\b`,
  ),
  p(
    "passive.disappear",
    "passive",
    `\\b(?:want|wish|wishing|like) (?:i could (?:just )?|to (?:just )?)?(?:disappear|vanish|stop existing|not exist|cease to exist)(?: forever)?\\b`,
  ),
  p(
    "passive.no_reason",
    "passive",
    `\\b(?:no|any|zero) (?:reason|point) (?:to|in) (?:live|living|being alive|go on|going on|keep going)\\b|\\blife (?:is not|is no longer) worth (?:living|it)\\b|\\bnot worth living\\b`,
  ),
  p("passive.tired_living", "passive", `\\b(?:tired|sick) of (?:living|being alive|life|existing)\\b|\\bdo not want to wake up\\b`),
  p(
    "passive.thinking_dying",
    "passive",
    `\\b(?:think|thinking|thought|thoughts|fantasi[sz]e|fantasi[sz]ing|dream|dreaming) (?:a lot )?(?:about|of) (?:dying|death|being dead|not being here|not existing|my funeral|disappearing)\\b`,
  ),
  p(
    "passive.death_thoughts",
    "passive",
    `\\b(?:enjoy|like) thinking about (?:being|getting) (?:hurt|killed)\\b|\\bthink about (?:my own )?death (?:a lot|daily|every day|constantly)\\b`,
  ),
  // Methods or seeking them
  p("method.hang", "method", `\\b(?:hang|hanging|hung) ${ME}\\b|\\bnoose\\b`),
  p(
    "method.overdose",
    "method",
    `\\b(?:i|to|will|i will|gonna|going to|want to) (?:od|oding)\\b|\\boverdos(?:e|ing|ed)\\b(?! on (?:coffee|caffeine|sugar|chocolate|netflix|tv|candy))`,
  ),
  p(
    "method.jump",
    "method",
    `\\b(?:jump|jumping|throw ${ME}) (?:off|from) (?:a|the|this|that) (?:bridge|building|roof|cliff|balcony|tower|overpass)\\b`,
  ),
  p("method.wrists", "method", `\\b(?:slit|slitting|cut|cutting|slice|slicing) (?:my|open my) (?:wrists?|veins?|throat)\\b`),
  p("method.shoot", "method", `\\b(?:shoot|shooting) ${ME}\\b|\\bgun to my head\\b|\\bbullet (?:in|through) my (?:head|brain)\\b`),
  p(
    "method.traffic",
    "method",
    `\\b(?:step|stepping|jump|jumping|walk|walking) in front of (?:a|the) (?:train|bus|car|truck)\\b|\\bcrash my car\\b|\\bdrown ${ME}\\b|\\bpoison ${ME}\\b|\\bstarve ${ME} to death\\b`,
  ),
  p(
    "method.pills",
    "method",
    `\\b(?:going to|gonna|want to|about to|will) (?:swallow|down) them\\b|\\b(?:going to|gonna|want to|will|about to|planning to|plan to|thinking (?:about|of)|considering|ready to) (?:swallow|swallowing|take|taking|down|downing|od on|overdose on|overdosing on) (?:all|them all|all of them|every one|every|the whole|a whole|a bunch|the rest|everything)(?: of)?(?: my| the| these| those| her| his)? ?(?:[a-z']+ )?(?:pills|tablets|meds|medication|medicine|paracetamol|tylenol|acetaminophen|ibuprofen|aspirin|antidepressants|sleeping pills|painkillers|insulin|opioids|oxys?|bottle|pack|packet|them|at once)\\b`,
  ),
  p(
    "method.lethal",
    "method",
    `\\b(?:lethal|fatal|deadly) (?:dose|amount)\\b|\\bhow many (?:pills|tablets|mg|milligrams)\\b.{0,40}\\b(?:die|kill|lethal|fatal|overdose|enough)\\b|\\b(?:painless|easiest|quickest|best|fastest|quick) way to (?:die|kill ${ME}|end it|commit suicide)\\b|\\bhow (?:to|do i|can i|would i) (?:kill ${ME}|commit suicide|end my life|die painlessly)\\b`,
  ),
  // Farewell and indirect signals
  p(
    "farewell.note",
    "farewell",
    `\\b(?:suicide|goodbye|farewell) (?:note|letter|letters|notes|message|video)\\b|\\b(?:wrote|writing|written|write) (?:a |my )?(?:letters?|notes?) (?:to|for) (?:my )?(?:family|everyone|parents|kids|friends)\\b`,
  ),
  p("farewell.giving_away", "farewell", `\\bgiv(?:e|ing|en) away (?:all )?my (?:things|stuff|belongings|possessions|cat|dog|pets?)\\b`),
  p(
    "farewell.burden",
    "farewell",
    `\\b(?:better off|happier|be fine|be okay|be ok) without me\\b|\\bbetter off if i (?:was|were|am|was just|were just) (?:dead|gone|not here|not around|never born)\\b|\\b(?:everyone|they|people|my family|the world|everybody) (?:would|will) be better without me\\b|\\bi am sorry for everything\\b|\\bno one (?:would|will) (?:miss|notice|care) (?:me|if i (?:died|was gone|were gone|disappeared))\\b|\\bworld (?:would be|is) better without me\\b`,
  ),
  p(
    "farewell.not_around",
    "farewell",
    `\\b(?:will not|will no longer|am not going to) be (?:around|here) (?:much longer|for long|anymore|tomorrow)\\b|\\bthis is goodbye\\b|\\bsaying (?:my )?goodbyes?\\b|\\bgoodbye (?:forever|world|everyone)\\b`,
  ),
  p(
    "farewell.stockpile",
    "farewell",
    `\\b(?:stockpil(?:e|ed|ing)|hoard(?:ed|ing)?|sav(?:e|ed|ing) up|collect(?:ed|ing)?) (?:my |all my |some |the )?(?:pills|tablets|meds|medication|sleeping pills|painkillers)\\b`,
  ),
  // Attempt in progress
  p(
    "attempt.took_pills",
    "attempt",
    `\\b(?:i|i have|i just|just|i already|already) (?:took|taken|swallowed|downed) (?:all|a bunch|a lot|a whole bottle|the whole bottle|too many|\\d+|dozens|handfuls?|lots)(?: of)?(?: my| the| these| her| his)? ?${DRUGS}\\b|\\b(?:i|i have|i just|just|i already|already) (?:took|taken|swallowed) an overdose\\b|\\b(?:already|just) (?:took|swallowed|taken|downed) (?:the|my|all the|all my|them)? ?(?:${DRUGS}|them)\\b`,
  ),
  p(
    "attempt.swallowed",
    "attempt",
    `\\b(?:swallowed|took|taken|downed|have taken|just took|i took) (?:a|the|an entire|a whole|half a|half the|my|my mum's|my mom's|my dad's|all my|all the|all of my)? ?(?:[a-z']+ )?(?:bottle|pack|packet|box|strip|jar|stash)s?(?: of)?\\b(?!.{0,20}\\b(?:water|wine|beer|juice|soda|chips|cereal|cookies|gum)\\b)|\\b(?:taken|took|swallowed|downed|have had) (?:like |about |around |over |maybe |nearly |almost |at least )?\\d{2,} (?:of )?(?:my |the |these )?(?:pills|tablets|meds|paracetamol|tylenol|acetaminophen|ibuprofen|aspirin|antidepressants|sleeping pills|painkillers|capsules)\\b`,
  ),
  p(
    "attempt.poison",
    "attempt",
    `\\b(?:drank|drunk|swallowed|ingested|took|downed) (?:some |a bottle of |the )?(?:bleach|antifreeze|poison|drain cleaner|pesticide|weed killer|rat poison)\\b|\\bengine running in (?:the|a|my) (?:closed |shut )?garage\\b`,
  ),
  p(
    "attempt.bleeding",
    "attempt",
    `\\b(?:bleeding (?:a lot|everywhere|heavily|out|badly)|blood (?:will not|does not|won't) stop|can not stop the bleeding|cut too deep)\\b`,
  ),
  p(
    "attempt.ledge",
    "attempt",
    `\\b(?:i am|standing|sitting) on (?:the|a) (?:edge|ledge|bridge|railing|roof) (?:right now|now)\\b|\\bnoose (?:is )?(?:around my neck|ready|tied)\\b|\\bthis is my last (?:message|text|post|night|day)\\b|\\bby the time you read this\\b`,
  ),
  // Self-harm
  p("selfharm.verb_myself", "selfharm", `\\b${SELF_HARM_VERBS} ${ME}\\b`),
  p(
    "selfharm.i_cut",
    "selfharm",
    `\\bi (?:cut|cuts|burn|have been cutting|have been burning|started cutting|am cutting|keep cutting|relapsed)\\b(?! (?:off|out|back|down|ties|class|school|the|my (?:hair|finger|fingers|thumb|nails|bangs|fringe|toe|lip|chin)|carbs|sugar|costs|in line|corners|it close|through|across))`,
  ),
  p(
    "selfharm.self_harm",
    "selfharm",
    `\\b(?:i|i have been|been|i am|started|start|keep|kept|back to) (?:self[- ]?harm|self[- ]?harming|self[- ]?injur(?:e|ing|y))\\b|\\bself[- ]?harm(?:ing)? again\\b|\\burges? to (?:self[- ]?harm|cut|hurt ${ME}|harm ${ME})\\b`,
  ),
  p(
    "selfharm.topic",
    "selfharm_topic",
    `\\bself[- ]?(?:harm|harming|harmed|injury|injuring|injure|mutilation|mutilate|mutilating)\\b|\\bcutting (?:scars|habit|urges)\\b|\\bbloodlet\\w*\\b|\\b(?:my|the|old|fresh|new) (?:cuts|scars) (?:on my|from)\\b|\\bmy (?:cuts|scars)\\b`,
  ),
  p(
    "selfharm.sh",
    "selfharm_topic",
    `\\b(?:my|the|do|did|doing|of|about|from|with|to|on|into|relapsed|relapse|clean|larger|urge to|urges to) sh\\b|\\bsh (?:scars?|urges?|again|sub|wounds?|cuts?|is|was|tools?|blades?)\\b`,
  ),
  p("selfharm.used_to", "selfharm", `\\bi used to (?:cut|self[- ]?harm|burn ${ME}|hurt ${ME}|harm ${ME})\\b`),
  p(
    "selfharm.intent",
    "selfharm",
    `\\b(?:going to|gonna|want to|about to|will|need to) (?:cut|burn|hurt|harm) (?:myself|deep|deeper|again|tonight|my (?:arms?|wrists?|legs?|thighs?|skin))\\b|\\bcut (?:deep|deeper|too deep) (?:enough|this time)\\b`,
  ),
  p(
    "selfharm.injury",
    "selfharm",
    `\\b(?:scratched|scratch|cut|burned|burnt|hit|punched|bit|carved|dug into) (?:at )?my (?:arms?|wrists?|legs?|thighs?|skin|stomach|face|hands?|head)\\b.{0,30}\\b(?:bled|bleed|bleeding|bruised|bruise|scars?|marks|hurt)\\b|\\buntil (?:i|it|they) (?:bled|bleed|bruised|bruise)\\b`,
  ),
  p(
    "selfharm.head",
    "selfharm",
    `\\b(?:slam|slammed|slamming|bang|banged|banging|hit|hitting|smash|smashed|smashing) my head (?:against|on|into)\\b`,
  ),
  p(
    "selfharm.urge",
    "selfharm",
    `\\bi (?:want|wish|need|have the urge|feel the urge|long|am tempted) to (?:cut|burn ${ME}|hurt ${ME}|bleed)\\b|\\b(?:fantasies|fantasize|fantasizing|daydream|thoughts) (?:of|about) (?:hurting|harming|cutting|injuring|flaying|gutting|impaling|burning) ${ME}\\b`,
  ),
  p(
    "selfharm.scars",
    "selfharm_topic",
    `\\bscars? from (?:cutting|self[- ]?harm|sh|burning|when i (?:cut|used to))\\b|\\b(?:hide|hiding|cover|covering) (?:my |the )?(?:scars|cuts|burns|arms|wrists)\\b.{0,40}\\b(?:sleeves|bracelets|makeup|long sleeves|hoodie)\\b|\\b(?:cutting|self[- ]?harm) scars\\b`,
  ),
  p(
    "selfharm.coping",
    "selfharm_topic",
    `\\b(?:cutting|burning ${ME}|self[- ]?injury)\\b.{0,60}\\b(?:coping|cope|urges?|scars?|relapse|clean)\\b|\\b(?:coping|cope|urges?)\\b.{0,60}\\bcutting\\b|\\bshtwt\\b|\\bthe cuts (?:did not|didn't|do not|would not) (?:hurt|bleed|stop)\\b`,
  ),
  p(
    "selfharm.relapse",
    "selfharm",
    `\\b(?:relapsed|relapse|relapsing)\\b.{0,40}\\b(?:cut|cutting|self[- ]?harm|sh|hurting ${ME}|burning)\\b|\\bstarted (?:cutting|self[- ]?harming|burning) again\\b`,
  ),
  // Eating disorders
  p(
    "eating.disorder",
    "eating",
    `\\b(?:anorexia|anorexic|bulimia|bulimic|eating disorder|binge eating disorder|my ed|pro[- ]?ana|pro[- ]?mia)\\b|\\b(?:binge|binging|bingeing) (?:and|then) purg(?:e|ing)\\b|\\bpurging\\b|\\bstarv(?:e|ing) ${ME}\\b|\\bmake ${ME} (?:throw up|sick|vomit)\\b`,
  ),
  // Suicide as a topic (e.g. grief, questions)
  p("topic.suicide", "suicide_topic", `\\bsuicide\\b`),
  p(
    "concern.talking",
    "concern",
    `\\b${THIRD} (?:has been |have been |keeps |kept |is |was )?(?:talking|talks|talked|joking|jokes|posting|posts|writing) about (?:suicide|killing (?:himself|herself|themselves)|dying|wanting to die|ending (?:it|his life|her life|their life))\\b`,
  ),
  p(
    "concern.suicide_loss",
    "concern",
    `\\blost (?:my |our |a )?(?:[a-z]+ ){0,2}to suicide\\b|\\bdied (?:by|from|of) suicide\\b|\\b(?:attempted|tried) (?:suicide|to kill (?:himself|herself|themselves))\\b`,
  ),
  p(
    "concern.loss",
    "concern",
    `\\bsuicidal\\b|\\bkilled (?:himself|herself|themselves)\\b|\\b(?:took|take|taking) (?:his|her|their) (?:own )?life\\b|\\b(?:hung|hanged) (?:himself|herself|themselves)\\b`,
  ),
  // Third person at risk
  p(
    "concern.third_person",
    "concern",
    `\\b(?:kill|killing|cut|cutting) (?:himself|herself|themselves|themself)\\b|\\b(?:hurt|hurting|harm|harming) (?:himself|herself)\\b|\\b${THIRD} (?:is|are|was|seems|has been|says (?:she|he|they) (?:is|are)|said (?:she|he|they) (?:is|was|were)) (?:suicidal|self[- ]?harming)\\b|\\b${THIRD} (?:wants|want|wanted|said (?:she|he|they) want(?:s|ed)?|says (?:she|he|they) want(?:s)?) to (?:die|end it|kill (?:himself|herself|themselves))\\b|\\bworried (?:about|for) (?:my )?(?:friend|brother|sister|son|daughter|partner|mom|dad)\\b.{0,60}\\b(?:die|suicid|harm|cut|kill|hurt)`,
  ),
  // Harm to others
  p(
    "others.intent",
    "others",
    `\\bi (?:want to|am going to|will|am gonna|feel like|need to|plan to|am planning to|have thoughts of|keep thinking about) (?:kill|killing|hurt|hurting|stab|stabbing|shoot|shooting|murder|murdering|strangle|strangling|beat up|harm|harming|poison|poisoning) ${PEOPLE}\\b`,
  ),
  p(
    "others.mass",
    "others",
    `\\b(?:shoot up|bomb|blow up) (?:the|my|a) (?:school|office|work|workplace|church|mosque|synagogue|mall|class)\\b|\\bthoughts (?:of|about) (?:hurting|killing|harming) (?:my )?(?:baby|child|kids|someone|others|people)\\b`,
  ),
  // Being in danger or abused now
  p(
    "danger.abuse",
    "danger",
    `\\b(?:${THIRD}|my [a-z]+'s (?:boyfriend|girlfriend|husband|wife|partner|friend|brother)|my (?:partner|husband|wife|boyfriend|girlfriend|dad|father|mom|mum|mother|stepdad|stepmom|stepfather|stepmother|uncle|brother|parents|ex|carer|coach|teacher|boss)|someone) (?:(?:keeps|kept|is|was|has been|have been|has|started|always|still|often|sometimes|just) )?(?:hit|beat|beaten|hurt|choke|chok|strangl|kick|punch|slap|abus|rap|molest|touch|threaten|grab|push|shov|burn|lock)(?:s|es|ed|d|ing|e|en)? me\\b`,
  ),
  p(
    "danger.unsafe",
    "danger",
    `\\bi am (?:being abused|being hurt|being beaten|being followed|being stalked|not safe|unsafe|in danger|scared for my life|afraid for my life|trapped (?:in|at) (?:the|my) (?:house|home|room))\\b|\\bi do not feel safe (?:at home|here|with (?:him|her|them|my))\\b|\\bnot safe at home\\b`,
  ),
  p(
    "danger.threat",
    "danger",
    `\\bif i (?:leave|go|tell anyone|tell someone|call the police|report)\\b.{0,30}\\b(?:kill|hurt|find) me\\b|\\b(?:threatened|threatening|going|trying|wants|said he would|said she would|says he will|says she will) to kill me\\b|\\bwill not let me (?:leave|go|out)\\b|\\blocked me (?:in|inside)\\b|\\b(?:i was|i have been|got|been) (?:raped|sexually assaulted|assaulted|molested)\\b`,
  ),
  // Hopelessness and burden
  p(
    "hopeless.core",
    "hopeless",
    `\\bhopeless(?:ness)?\\b|\\b(?:no|lost all|lost) hope\\b|\\bno way out\\b|\\bnothing(?: is| will)?(?: ever)?(?: going to)? (?:get|gets) better\\b|\\b(?:will|is) never (?:going to )?get better\\b|\\bnot (?:ever )?going to get better\\b|\\bi (?:have|see) no future\\b|\\b(?:life|everything|it all|living|my life) (?:is|feels|seems) (?:so )?pointless\\b|\\bwhat is (?:even |really )?the point\\b|\\bno point (?:anymore|in anything|trying)\\b`,
  ),
  p(
    "hopeless.cannot_go_on",
    "hopeless",
    `\\b(?:can not|can no longer|unable to) (?:go on|keep going|take (?:it|this|any more|anymore)|do this anymore|cope anymore|carry on|handle (?:it|this) anymore)\\b|\\bgiving up on (?:life|everything)\\b|\\bi give up\\b`,
  ),
  p(
    "hopeless.burden",
    "hopeless",
    `\\b(?:i am|feel like|i feel like) (?:a|such a|just a) burden\\b|\\b(?:i am|feel) (?:so |completely |totally |really |utterly )?(?:worthless|useless|a waste of space|a failure at everything)\\b|\\bi hate (?:myself|my life|being alive)\\b|\\b(?:i am|i feel) (?:so |completely |totally )?(?:empty|numb|trapped|alone)\\b|\\bnobody cares (?:about me|if i)\\b`,
  ),
  // Distress without risk
  p(
    "distress.core",
    "distress",
    `\\b(?:depressed|depression|anxious|anxiety|panic attacks?|overwhelmed|lonely|miserable|heartbroken|devastated|grieving|exhausted|burnt out|burned out|stressed out|struggling|breaking down|falling apart)\\b|\\b(?:i am|i feel|feeling|felt) (?:so |really |very |a bit |a little |kind of |quite |pretty )?(?:sad|down|low|awful|terrible|horrible|lost|scared|afraid|broken|stressed|worried|nervous|upset|unhappy|hurt|drained)\\b|\\b(?:can not|could not) stop crying\\b|\\bcrying (?:all|every) (?:day|night)\\b`,
  ),
  // Imminence markers
  p(
    "plan.have_plan",
    "plan",
    `\\b(?:i have|i have got|i made|i have made|i came up with|i already have) (?:a|the|my) plan\\b|\\bmy plan is\\b|\\bi (?:have )?(?:planned|decided|made up my mind) (?:it|how|when|to)\\b|\\bi know (?:exactly )?(?:how|when|where) i (?:am going to|will|would)\\b|\\bi have (?:researched|looked up|been researching) (?:how|ways|methods)\\b`,
  ),
  p(
    "means.ready",
    "means",
    `\\bi have (?:everything|all) (?:i need|ready|sorted|planned)\\b|\\beverything is (?:ready|set|in place)\\b|\\b(?:lined up|laid out|counted out|sorted out|set out|ready) (?:all )?(?:the |my )?(?:pills|tablets|meds|razors?|blades?)\\b|\\b(?:i am|i'm|standing|sitting|here) (?:at|on|by|near) (?:the )?(?:train tracks|railway|railway line|tracks|bridge|overpass|motorway bridge|cliff|ledge|edge of the|rooftop|roof|top of the|platform edge|balcony railing)\\b`,
  ),
  p(
    "means.have",
    "means",
    `\\b(?:i have|i have got|i got|got|i bought|bought|i found|holding|i am holding|in my hand|i have been saving|have enough|i took) (?:the|a|my|some|enough|all the|these|those|dad's|my dad's|my mom's)? ?(?:pills|tablets|meds|medication|sleeping pills|painkillers|rope|gun|pistol|rifle|knife|blade|razor|razors|noose|bottle of \\w+|poison|bleach|ammo|bullets)\\b|\\b(?:pills|gun|rope|knife|blade|razor) (?:is |are )?(?:ready|in front of me|next to me|in my (?:hand|pocket|bag|room))\\b`,
  ),
  p(
    "resolve.do_it",
    "resolve",
    `\\b(?:i am|going to|will|ready to) (?:do|doing) it\\b|\\btime to go\\b|\\b(?:act on (?:it|them|these thoughts)|make it happen|making it happen|do something about it)\\b`,
  ),
  p(
    "time.soon",
    "time",
    `\\b(?:tonight|tomorrow|right now|this (?:weekend|evening|afternoon|morning|week)|in (?:an|one|a few|\\d+) (?:hours?|minutes?|days?)|when (?:everyone|they|my parents|my family) (?:is|are) (?:asleep|gone|out)|(?:after|when|once) (?:everyone|they|my parents|my family|the kids) (?:goes?|go|went|has gone|have gone) (?:to bed|to sleep|out|away)|before (?:morning|sunrise|the weekend)|after (?:the|my) (?:exam|funeral|party|birthday))\\b`,
  ),

  // Spanish
  p(
    "es.ideation",
    "ideation",
    `\\b(?:quiero|me quiero|quisiera|voy a|deseo) (?:morir|morirme|matarme|suicidarme|quitarme la vida)\\b|\\b(?:suicidarme|matarme|morirme)\\b(?! de (?:risa|hambre|verguenza|sueno|frio|calor|miedo))|\\bganas de morir(?:me)?\\b|\\bme (?:quiero|voy a) (?:matar|morir|suicidar)\\b|\\b(?:acabar|terminar) con mi vida\\b|\\bno quiero (?:seguir )?vivir\\b|\\bquitarme la vida\\b`,
  ),
  p("es.selfharm", "selfharm", `\\b(?:hacerme dano|lastimarme|cortarme|me corto|me estoy cortando)\\b`),
  p("es.farewell", "farewell", `\\b(?:estarian|estaria|estan) mejor sin mi\\b`),
  p("es.hopeless", "hopeless", `\\bsin esperanza\\b|\\bno puedo mas\\b|\\bno vale la pena vivir\\b`),
  // French
  p(
    "fr.ideation",
    "ideation",
    `\\b(?:je veux|j'ai envie de|je vais|envie de) (?:mourir|me tuer|me suicider|en finir)\\b|\\bme suicider\\b|\\bmettre fin a (?:mes jours|ma vie)\\b|\\bje ne veux plus vivre\\b|\\bje pense (?:au suicide|a me tuer|a mourir|a en finir|a me suicider)\\b|\\ben finir avec la vie\\b`,
  ),
  p("fr.selfharm", "selfharm", `\\b(?:me faire du mal|me scarifier|me couper|je me scarifie|je me coupe|je me mutile)\\b`),
  p("fr.farewell", "farewell", `\\bmieux sans moi\\b`),
  p("fr.hopeless", "hopeless", `\\bsans espoir\\b|\\bje n'en peux plus\\b|\\bje ne peux plus continuer\\b`),
  // German (accents are stripped: möchte → mochte)
  p(
    "de.ideation",
    "ideation",
    `\\bich (?:will|mochte|werde|wurde gerne) (?:[a-z]+ ){0,3}(?:sterben|mich umbringen|mich toten|nicht mehr leben)\\b|\\bmich (?:umbringen|umzubringen)\\b|\\bmir das leben zu nehmen\\b|\\bbringe mich um\\b|\\bmir das leben nehmen\\b|\\bselbstmord\\w*|\\bsuizid\\w*|\\bwill nicht mehr leben\\b`,
  ),
  p("de.selfharm", "selfharm", `\\b(?:mich ritzen|ich ritze mich|mir weh tun|mir wehtun|mich verletzen|selbstverletzung)\\b`),
  p("de.farewell", "farewell", `\\bbesser ohne mich\\b`),
  p("de.hopeless", "hopeless", `\\bhoffnungslos\\b|\\bich kann nicht mehr\\b`),
  // Dutch
  p(
    "nl.ideation",
    "ideation",
    `\\bik wil (?:dood|sterven|niet meer leven|er niet meer zijn)\\b|\\bzelfmoord\\w*|\\bmezelf (?:van kant maken|doden|ombrengen)\\b|\\been einde aan mijn leven\\b|\\bsuicidaal\\b`,
  ),
  p("nl.selfharm", "selfharm", `\\b(?:mezelf (?:snijden|pijn doen|verwonden)|ik snijd mezelf|zelfbeschadiging)\\b`),
  p("nl.farewell", "farewell", `\\bbeter af zonder mij\\b`),
  p("nl.hopeless", "hopeless", `\\bhopeloos\\b|\\bik kan niet meer\\b`),
  // Italian
  p(
    "it.ideation",
    "ideation",
    `\\b(?:voglio|vorrei) (?:morire|uccidermi|suicidarmi|farla finita)\\b|\\b(?:uccidermi|suicidarmi|ammazzarmi)\\b|\\bfarla finita\\b|\\btogliermi la vita\\b|\\bnon voglio piu vivere\\b|\\bnon ho piu voglia di vivere\\b`,
  ),
  p("it.selfharm", "selfharm", `\\b(?:farmi del male|tagliarmi|mi taglio|autolesionismo)\\b`),
  p("it.farewell", "farewell", `\\bmeglio senza di me\\b`),
  p("it.hopeless", "hopeless", `\\bsenza speranza\\b|\\bnon ce la faccio piu\\b`),
  // Portuguese
  p(
    "pt.ideation",
    "ideation",
    `\\b(?:quero|vou) (?:morrer|me matar|me suicidar|tirar minha vida)\\b|\\bme matar\\b|\\bme suicidar\\b|\\b(?:tirar|acabar com) (?:a )?minha (?:propria )?vida\\b|\\bnao quero mais viver\\b`,
  ),
  p("pt.selfharm", "selfharm", `\\b(?:me machucar|me cortar|me corto|automutilacao|me automutilar)\\b`),
  p("pt.farewell", "farewell", `\\bmelhor sem mim\\b`),
  p("pt.hopeless", "hopeless", `\\bsem esperanca\\b|\\bnao aguento mais\\b`),
  // Imminence in other languages
  p(
    "time.intl",
    "time",
    `\\b(?:esta noche|manana|ce soir|demain|heute nacht|heute abend|morgen|vannacht|vanavond|morgen|stanotte|stasera|domani|esta noite|hoje a noite|amanha)\\b`,
  ),
  p(
    "means.intl",
    "means",
    `\\b(?:tengo|j'ai|ich habe|ik heb|ho|tenho) (?:las |les |die |de |le |as |os )?(?:pastillas|pilules|medicaments|tabletten|pillen|pillole|comprimidos|pilulas|cuerda|corde|seil|touw|corda|pistola|arma)\\b`,
  ),
];

/**
 * Benign uses of risk words, masked before matching: idioms ("this traffic is killing me",
 * "I'd die for pizza"), titles ("Suicide Squad"), everyday injuries and diets ("cutting carbs").
 */
export const BENIGN: RegExp[] = [
  /\bsuicide (?:squad|doors?|runs?|sprints?|drills?|mission|king|burn|lane|seat|pass|bid|squeeze|watch song)\b/g,
  /\b(?:die|dying|kill|killing) for (?:a|an|some|the|this|that|those|these|pizza|coffee|chocolate|tacos|food|it)\b/g,
  /\b(?:dying|died|die|dead) (?:of|from|with|laughing) (?:laughter|laughing|embarrassment|boredom|cringe|shame|cuteness|curiosity|thirst|hunger|heat)\b/g,
  /\b(?:died|dying|dead) laughing\b|\bi am (?:literally )?(?:dead|dying) (?:lol|lmao|haha)\b|\bbored to death\b|\bscared (?:me )?to death\b/g,
  /\b(?:phone|battery|laptop|car|plant|plants|computer|tablet|headphones|charger|torch|flashlight)(?: is| are)? (?:about to |going to |gonna |almost )?(?:die|dying|dead)\b/g,
  /\bcut(?:ting)? (?:carbs|sugar|back|down|costs|corners|class|it close|ties|my hair|hair|grass|the grass|the cord|onions|vegetables|out (?:sugar|carbs|dairy|gluten|meat|alcohol)|my losses|the deck)\b/g,
  /\b(?:accidentally|by accident) (?:cut|burned|burnt|hurt|stabbed|hit|scratched) (?:myself|my self|me)\b/g,
  /\b(?:cut|burned|burnt|hurt) (?:myself|my self) (?:shaving|cooking|chopping|ironing|gardening|playing|lifting|running|skiing|skating|at the gym|at work|working out|while|on (?:the|a) (?:stove|oven|pan|iron|knife|glass|paper))\b/g,
  /\b(?:overdosed|overdose|od|od'd) on (?:coffee|caffeine|sugar|chocolate|netflix|tv|candy|anime|memes)\b/g,
  /\bkill (?:time|the (?:lights|engine|music|process|mood|vibe)|two birds|it|them with kindness)\b|\bkilled it\b|\bkilling it\b/g,
  /\b(?:would|will|is going to|gonna|going to) kill me if\b|\b(?:mom|mum|dad|boss|teacher|wife|husband|coach) (?:is going to|will|would|gonna) kill me\b/g,
  /\bshoot (?:me )?(?:a|an) (?:message|email|text|photo|dm|line)\b|\bshoot (?:hoops|a video|photos)\b/g,
  /\bhang (?:out|on|in there|up)\b/g,
  /\b(?:hit|hits|threw|throws|pushed|pushes|shoved) me (?:with|into) (?:a |the )?(?:pillow|cushion|snowball|balloon|water balloon|nerf|pool|ball)\b/g,
  /\b(?:die|dye|dying|dyeing|died|dyed) (?:my|her|his|your|our|their) (?:hair|beard|clothes|shirt)\b/g,
  /\bto die for\b|\bdrop dead gorgeous\b|\bdie hard\b|\bdead (?:tired|serious|end|line)\b/g,
];

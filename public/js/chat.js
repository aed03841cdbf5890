// The companion chat: streams each reply from POST /api/chat (server-sent events: meta, safety,
// delta, done), hands a crisis answer to the crisis panel (crisis.js) instead of the conversation,
// and keeps whatever the participant typed until the companion has answered it.
import {
  describeFailure,
  fillCountries,
  loadConfig,
  OFFLINE_TEXT,
  remember,
  remembered,
  UNREACHABLE_TEXT,
  wireHealingName,
} from "./common.js";
import { authHeaders, showParticipant } from "./participant.js";

const HARD_STOP = new Set(["high", "imminent"]);
const HISTORY_TURNS = 20;
const KEY = { consent: "hc.consent", conversation: "hc.conversationId" };

const form = document.getElementById("chat-form");
const field = document.getElementById("message");
const sendButton = document.getElementById("send");
const stopButton = document.getElementById("stop");
const log = document.getElementById("conversation");
const status = document.getElementById("chat-status");
const typing = document.getElementById("typing");
const nameInput = document.getElementById("healing-name");
const country = document.getElementById("country");
const consent = document.getElementById("consent");
const consentText = document.getElementById("consent-text");
const deleteButton = document.getElementById("delete-conversation");

/** The turns on screen, for context when nothing is stored. */
const turns = [];
let conversationId = remembered(KEY.conversation);
let inFlight = null;

// Claim the form first: crisis.js screens the message itself if this never runs.
form.addEventListener("submit", (event) => {
  event.preventDefault();
  void send();
});
field.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});
stopButton.addEventListener("click", () => inFlight?.abort());

wireHealingName(nameInput, document.getElementById("forget-name"), status);
void showParticipant({
  nameInput,
  forgetButton: document.getElementById("forget-name"),
  note: document.getElementById("signed-in"),
  status,
});
consent.checked = remembered(KEY.consent) === "on";
syncDeleteButton();

loadConfig().then(
  (config) => {
    consentText.textContent = config.consent.text;
    fillCountries(country, config);
    field.maxLength = config.limits.message;
  },
  () => {
    consentText.textContent =
      "The storage details could not be loaded, so nothing is stored: this stays off until the page can reach the server.";
    consent.checked = false;
    consent.disabled = true;
  },
);

consent.addEventListener("change", async () => {
  remember(KEY.consent, consent.checked ? "on" : null);
  remember(KEY.conversation, consent.checked ? conversationId : null);
  syncDeleteButton();
  if (consent.checked) {
    say("Storing is on: the rest of this conversation is kept as described.");
    return;
  }
  // Withdrawing consent deletes what was stored.
  if (conversationId) await deleteStored("Storing is off, and what was stored of this conversation has been deleted.");
  else say("Storing is off: nothing of this conversation is stored.");
});

deleteButton.addEventListener("click", async () => {
  await deleteStored("This conversation has been deleted, from our storage and from this screen.");
  log.replaceChildren();
  turns.length = 0;
  field.focus();
});

if (consent.checked && conversationId) void restore(conversationId);

function say(text, action) {
  status.replaceChildren(text);
  if (action) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = action.label;
    button.addEventListener("click", action.run, { once: true });
    status.append(" ", button);
  }
}

/** Offered only when something may be stored: consent is on and the API gave a conversation id. */
function syncDeleteButton() {
  deleteButton.hidden = !(conversationId && consent.checked);
}

function setConversation(id) {
  conversationId = id;
  remember(KEY.conversation, consent.checked ? id : null);
  syncDeleteButton();
}

async function deleteStored(done) {
  if (!conversationId) return;
  try {
    const response = await fetch(`/api/conversation?id=${encodeURIComponent(conversationId)}`, { method: "DELETE" });
    if (!response.ok) throw new Error(String(response.status));
    setConversation(null);
    say(done);
  } catch {
    say("The stored conversation could not be deleted just now; please try again.");
  }
}

async function restore(id) {
  try {
    const response = await fetch(`/api/conversation?id=${encodeURIComponent(id)}`);
    if (response.status === 404) return setConversation(null);
    if (!response.ok) throw new Error(String(response.status));
    const stored = await response.json();
    for (const turn of stored.turns) addTurn(turn.role, turn.content);
    syncDeleteButton();
  } catch {
    say("Your stored conversation could not be loaded right now; new messages still work.");
  }
}

function addTurn(role, content) {
  const article = document.createElement("article");
  article.className = `turn ${role}`;
  const who = document.createElement("h3");
  who.className = "who";
  who.textContent = role === "user" ? "You" : "Companion";
  const text = document.createElement("p");
  text.textContent = content;
  article.append(who, text);
  log.append(article);
  const turn = { role, content, element: article, text };
  turns.push(turn);
  article.scrollIntoView({ block: "nearest" });
  return turn;
}

function busy(on) {
  typing.hidden = !on;
  log.setAttribute("aria-busy", String(on));
  stopButton.hidden = !on;
  sendButton.disabled = on;
  field.readOnly = on;
}

async function send() {
  const message = field.value.trim();
  if (!message || inFlight) return;
  if (!navigator.onLine) {
    say(`${OFFLINE_TEXT} Your message is still in the box; send it when you are back online.`);
    return;
  }
  const history = turns.slice(-HISTORY_TURNS).map(({ role, content }) => ({ role, content: content.slice(-4000) }));
  const body = {
    message,
    consent: consent.checked,
    country: country.value || undefined,
    healingName: nameInput.value.trim() || undefined,
    conversationId: conversationId ?? undefined,
    history, // used (and screened) by the API only when nothing is stored for the conversation
  };
  const mine = addTurn("user", message);
  const controller = new AbortController();
  inFlight = controller;
  busy(true);
  say("");
  let reply = null;
  let finished = false;
  let crisis = false;
  try {
    const response = await fetch("/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...authHeaders() },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    if (!response.ok) {
      unsend(mine, message);
      const failure = await describeFailure(response, { kept: "Your message is still in the box." });
      const safety = failure.body?.safety;
      if (safety && HARD_STOP.has(safety.level)) showCrisis(safety, failure.body.response);
      say(failure.text, failure.retry ? { label: "Try again", run: () => form.requestSubmit() } : undefined);
      if (response.status >= 500) screenElsewhere(message, history);
      return;
    }
    field.value = "";
    for await (const { event, data } of events(response.body)) {
      if (event === "meta") setConversation(data.conversationId);
      else if (event === "safety" && HARD_STOP.has(data.level)) crisis = data;
      else if (event === "delta") {
        if (crisis) {
          crisis.reply = (crisis.reply ?? "") + data.text;
          continue;
        }
        reply ??= addTurn("assistant", "");
        reply.content += data.text;
        reply.text.textContent = reply.content;
      } else if (event === "done") {
        finished = true;
        setConversation(data.conversationId);
        if (crisis) showCrisis(data.safety, data.response);
      }
    }
    if (!finished) throw new Error("stream ended early");
    if (!crisis) say("");
  } catch {
    if (crisis) {
      // The crisis answer had started: show it with whatever arrived.
      showCrisis(crisis, crisis.reply);
    } else if (!reply) {
      unsend(mine, message);
      if (controller.signal.aborted) say("Stopped. Your message is still in the box.");
      else {
        say(
          navigator.onLine ? `${UNREACHABLE_TEXT} Your message is still in the box.` : `${OFFLINE_TEXT} Your message is still in the box.`,
          {
            label: "Try again",
            run: () => form.requestSubmit(),
          },
        );
        screenElsewhere(message, history);
      }
    } else {
      // What arrived stays on screen; the message goes back in the box to send again.
      reply.element.classList.add("partial");
      reply.text.textContent = reply.content;
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = controller.signal.aborted ? "(You stopped this reply.)" : "(This reply stopped before it finished.)";
      reply.element.append(note);
      if (!field.value) field.value = message;
      say(
        controller.signal.aborted
          ? "Stopped. Your message is back in the box if you want the full reply."
          : "The reply stopped half-way. What arrived is kept above; your message is back in the box.",
        {
          label: "Retry",
          run: () => form.requestSubmit(),
        },
      );
    }
  } finally {
    inFlight = null;
    busy(false);
  }
}

/** Take back a message that was not answered: off the screen, back into the box. */
function unsend(turn, message) {
  turn.element.remove();
  turns.splice(turns.indexOf(turn), 1);
  if (!field.value.trim()) field.value = message;
}

function showCrisis(safety, response) {
  document.dispatchEvent(new CustomEvent("hc:crisis", { detail: { level: safety.level, resources: safety.resources, response } }));
  say("Your message was answered with help and resources, shown at the top of the page.");
}

/** The chat endpoint failed: the crisis screen still looks at the message (crisis.js, /api/crisis). */
function screenElsewhere(message, history) {
  const earlier = history.filter((t) => t.role === "user").map((t) => t.content);
  document.dispatchEvent(new CustomEvent("hc:screen", { detail: { message, history: earlier, country: country.value || undefined } }));
}

/** Server-sent events from a fetch body: { event, data } per block. */
async function* events(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data !== undefined) yield { event, data: JSON.parse(data) };
    }
  }
}

// The crisis panel. Self-contained on purpose: it imports nothing and nothing imports it, so an
// error anywhere else on the page (a broken chat.js included) cannot stop it. Other scripts ask it
// to show resources with a DOM event; it also screens a message through /api/crisis itself when
// the chat endpoint fails, and when the chat script never took the form over.
//   document.dispatchEvent(new CustomEvent("hc:crisis", { detail: { level, resources, response } }))
//   document.dispatchEvent(new CustomEvent("hc:screen", { detail: { message, history, country } }))
const HARD_STOP = new Set(["high", "imminent"]);
const panel = document.getElementById("crisis");

/** The country the participant chose (or their browser's region), for resources. */
function country() {
  const chosen = document.querySelector("select[name=country]")?.value || localStorage.getItem("hc.country");
  if (chosen) return chosen;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const region = /^[a-z]{2,3}[-_]([a-z]{2})\b/i.exec(tag ?? "")?.[1];
    if (region) return region.toUpperCase();
  }
  return "";
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** "Text HOME to 741741" → sms:741741?body=HOME; "988" → sms:988. Null when no number is in it. */
function smsLink(text) {
  const keyword = /\b(?:text|sms)\s+([A-Z]+)\s+to\s+([\d\s-]+\d)/i.exec(text);
  if (keyword) return { href: `sms:${keyword[2].replace(/[\s-]/g, "")}?body=${encodeURIComponent(keyword[1])}`, label: text };
  const number = /(\+?\d[\d\s-]{1,14}\d|\d{3,})/.exec(text)?.[1];
  if (!number) return null;
  return { href: `sms:${number.replace(/[\s-]/g, "")}`, label: /^[\d\s+-]+$/.test(text) ? `Text ${text}` : text };
}

/** Every phone number in an emergency string: "112 or 999" → two links. */
function emergencyLinks(emergency) {
  const numbers = emergency.match(/\+?\d[\d\s-]*\d|\d+/g) ?? [];
  return numbers.map((number) => el("a", { href: `tel:${number.replace(/[\s-]/g, "")}`, class: "call" }, `Call ${number.trim()}`));
}

function lineItem(line) {
  const ways = el("p", { class: "ways" });
  if (line.phone) ways.append(el("a", { href: `tel:${line.phone.replace(/[^\d+]/g, "")}`, class: "call" }, `Call ${line.phone}`), " ");
  const sms = line.text ? smsLink(line.text) : null;
  if (sms) ways.append(el("a", { href: sms.href, class: "call" }, sms.label), " ");
  else if (line.text) ways.append(el("span", {}, line.text), " ");
  const label = line.chat ? "Chat online" : "Website";
  ways.append(
    el(
      "a",
      { href: line.chat ?? line.url, rel: "noopener noreferrer", target: "_blank", "aria-label": `${line.name}: ${label.toLowerCase()}` },
      label,
    ),
  );
  return el("li", {}, el("p", { class: "line-name" }, line.name), el("p", { class: "hours" }, line.hours), ways);
}

function emergencyItem(resources) {
  return el(
    "li",
    { class: "emergency" },
    el("p", { class: "line-name" }, `Emergency services (${resources.name})`),
    el("p", { class: "ways" }, ...emergencyLinks(resources.emergency)),
  );
}

/** Show the panel: the safe reply, then the resources; the emergency number first when imminent. */
function show({ level, resources, response }) {
  if (!panel || !resources) return;
  const imminent = level === "imminent";
  const title =
    level === "imminent"
      ? resources.emergency
        ? `If you are in danger right now, call ${resources.emergency}`
        : "If you are in danger right now, call your local emergency number"
      : HARD_STOP.has(level)
        ? "You don't have to face this alone"
        : "Help is available, any time";
  const list = el("ul", { class: "resources" });
  if (imminent && resources.emergency) list.append(emergencyItem(resources));
  for (const line of resources.lines ?? []) list.append(lineItem(line));
  if (!imminent && resources.emergency) list.append(emergencyItem(resources));
  if (!resources.emergency)
    list.append(el("li", {}, el("p", { class: "line-name" }, "In an emergency, call your local emergency number.")));
  const dismiss = el("button", { type: "button", class: "dismiss" }, "Dismiss");
  dismiss.addEventListener("click", hide);
  // The numbers come first, where a thumb can reach them on a phone; the companion's words follow.
  // replaceChildren would print a null as the text "null": only real nodes go in.
  const parts = [
    el("h2", { id: "crisis-title", tabindex: "-1" }, title),
    el("h3", {}, `Support in ${resources.name}`),
    list,
    el("p", { class: "quiet" }, "Calls and texts open on your phone; these services are free and confidential."),
    response ? el("h3", {}, "A message for you") : null,
    response ? el("p", { class: "reply" }, response) : null,
    dismiss,
  ];
  panel.replaceChildren(...parts.filter((part) => part !== null));
  panel.dataset.level = level;
  panel.hidden = false;
  // Focus moves to the panel so a keyboard or screen reader user lands on the help, not behind it.
  panel.querySelector("h2").focus({ preventScroll: true });
  panel.scrollIntoView({ block: "start" });
}

function hide() {
  if (!panel) return;
  panel.hidden = true;
  panel.replaceChildren();
  document.querySelector("[data-help]")?.focus();
}

async function resourcesNow() {
  const code = country();
  const response = await fetch(`/api/crisis${/^[A-Z]{2}$/.test(code) ? `?country=${code}` : ""}`, {
    headers: { accept: "application/json" },
  });
  if (!response.ok) throw new Error(`crisis resources: ${response.status}`);
  return (await response.json()).resources;
}

/** Screen a message through /api/crisis; shows the panel at high or imminent. Returns the level, or null if unreachable. */
async function screen({ message, history, country: chosen }) {
  try {
    const response = await fetch("/api/crisis", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message, history: history ?? [], ...(chosen ? { country: chosen } : {}) }),
    });
    const answer = await response.json();
    if (HARD_STOP.has(answer.level)) show({ level: answer.level, resources: answer.resources, response: answer.response });
    return answer.level ?? null;
  } catch {
    return null;
  }
}

document.addEventListener("hc:crisis", (event) => show(event.detail));
document.addEventListener("hc:screen", (event) => void screen(event.detail));

// "Need help now?" opens the same resources at any time; without JavaScript it is a plain link to the help page.
for (const link of document.querySelectorAll("[data-help]")) {
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    try {
      show({ level: "help", resources: await resourcesNow() });
    } catch {
      window.location.href = link.href;
    }
  });
}

// If the chat script never took the form over (it failed to load or threw before it could), a
// message is still screened: a person at risk still sees the resources.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !form.matches("[data-screened]")) return;
  event.preventDefault();
  const field = form.querySelector("textarea");
  const note = document.querySelector("[data-fallback-note]");
  const message = field?.value.trim();
  if (!message) return;
  void screen({ message, country: country() }).then(() => {
    if (note)
      note.textContent =
        "This page did not load properly, so your message was not sent to the companion. It is still in the box: please reload the page and send it again.";
  });
});

// The help page opens the resources straight away.
if (document.body.dataset.page === "help") {
  resourcesNow().then(
    (resources) => show({ level: "help", resources }),
    () => undefined,
  );
}

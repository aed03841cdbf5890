// The reflection form: POST /api/reflection. 201 (written) and 202 (queued, written shortly) are
// both "saved" to the participant. One submissionId per draft, so sending again after an error can
// never make a second record. What they wrote stays in the box until it is saved.
import { describeFailure, loadConfig, OFFLINE_TEXT, remembered, UNREACHABLE_TEXT, wireHealingName } from "./common.js";
import { authHeaders, showParticipant } from "./participant.js";

const HARD_STOP = new Set(["high", "imminent"]);
const form = document.getElementById("reflection-form");
const nameInput = document.getElementById("healing-name");
const milestone = document.getElementById("milestone");
const text = document.getElementById("reflection");
const counter = document.getElementById("reflection-count");
const status = document.getElementById("reflection-status");
const save = document.getElementById("save");
let max = 20_000;
let submissionId = newSubmissionId();

function newSubmissionId() {
  return `page-${crypto.randomUUID()}`;
}

wireHealingName(nameInput, document.getElementById("forget-name"), status);
void showParticipant({
  nameInput,
  forgetButton: document.getElementById("forget-name"),
  note: document.getElementById("signed-in"),
  status,
});

const count = () => {
  const used = [...text.value].length;
  counter.textContent = `${used.toLocaleString("en")} of ${max.toLocaleString("en")} characters`;
  counter.classList.toggle("over", used > max);
};
text.addEventListener("input", () => {
  count();
});

loadConfig().then(
  (config) => {
    max = config.limits.reflection;
    milestone.replaceChildren(new Option("No particular milestone", ""), ...config.milestones.map((m) => new Option(m, m)));
    count();
  },
  () => milestone.replaceChildren(new Option("No particular milestone", "")),
);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const healingName = nameInput.value.trim();
  const reflection = text.value.trim();
  if (!healingName || !reflection) {
    status.textContent = !healingName
      ? "Please add your Healing Name, so the reflection is filed with your others."
      : "Please write your reflection first.";
    (!healingName ? nameInput : text).focus();
    return;
  }
  if ([...reflection].length > max) {
    status.textContent = `Your reflection is longer than ${max.toLocaleString("en")} characters; please shorten it a little.`;
    return;
  }
  if (!navigator.onLine) {
    status.textContent = `${OFFLINE_TEXT} Your reflection is still here; save it when you are back online.`;
    return;
  }
  save.disabled = true;
  status.textContent = "Saving…";
  const country = remembered("country");
  try {
    const response = await fetch("/api/reflection", {
      method: "POST",
      headers: { "content-type": "application/json", ...authHeaders() },
      body: JSON.stringify({
        healingName,
        reflection,
        submissionId,
        ...(milestone.value ? { milestone: milestone.value } : {}),
        ...(country && country !== "ZZ" ? { country } : {}),
      }),
    });
    if (response.status === 201 || response.status === 202) {
      const answer = await response.json();
      status.textContent =
        response.status === 201
          ? `Your reflection${milestone.value ? ` for ${milestone.value}` : ""} is saved. Thank you for taking the time.`
          : `Your reflection${milestone.value ? ` for ${milestone.value}` : ""} is saved. It will show in your records in a few minutes.`;
      if (HARD_STOP.has(answer.safety?.level)) showCrisis(answer.safety);
      text.value = "";
      submissionId = newSubmissionId();
      count();
      return;
    }
    const failure = await describeFailure(response, { kept: "Your reflection is still here, so nothing is lost.", what: "Saving is" });
    status.textContent = failure.text;
    if (HARD_STOP.has(failure.body?.safety?.level)) showCrisis(failure.body.safety);
  } catch {
    status.textContent = `${navigator.onLine ? UNREACHABLE_TEXT : OFFLINE_TEXT} Your reflection is still here; please try again.`;
  } finally {
    save.disabled = false;
  }
});

function showCrisis(safety) {
  document.dispatchEvent(
    new CustomEvent("hc:crisis", { detail: { level: safety.level, resources: safety.resources, response: safety.response } }),
  );
}

// What the chat and the reflection form share: the configuration the API gives the page, the
// participant's remembered choices, and errors a person can act on.
const STORE = { name: "hc.healingName", country: "hc.country" };

let configPromise;
/** GET /api/config once per page. */
export function loadConfig() {
  configPromise ??= fetch("/api/config", { headers: { accept: "application/json" } }).then((r) => {
    if (!r.ok) throw new Error(`config ${r.status}`);
    return r.json();
  });
  return configPromise;
}

export function remembered(key) {
  try {
    return localStorage.getItem(STORE[key] ?? key);
  } catch {
    return null;
  }
}

export function remember(key, value) {
  try {
    if (value === null || value === undefined || value === "") localStorage.removeItem(STORE[key] ?? key);
    else localStorage.setItem(STORE[key] ?? key, value);
  } catch {
    // Private modes may refuse storage; the page still works, it just forgets.
  }
}

/** The region of the browser's first language that has one ("en-GB" → GB). */
export function browserCountry() {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const region = /^[a-z]{2,3}[-_]([a-z]{2})\b/i.exec(tag ?? "")?.[1];
    if (region) return region.toUpperCase();
  }
  return null;
}

/** Fill a country select: the countries with resources, the browser's own if missing, and "somewhere else". */
export function fillCountries(select, config) {
  const names = new Intl.DisplayNames(["en"], { type: "region" });
  const countries = [...config.countries];
  const browser = browserCountry();
  if (browser && !countries.some((c) => c.code === browser)) countries.push({ code: browser, name: names.of(browser) ?? browser });
  countries.sort((a, b) => a.name.localeCompare(b.name, "en"));
  // ZZ is a user-assigned ISO code, never a country: the API answers it with the international directory.
  countries.push({ code: "ZZ", name: "Somewhere else (international directory)" });
  select.replaceChildren(...countries.map(({ code, name }) => new Option(name, code)));
  const wanted = remembered("country") ?? browser ?? config.defaultCountry;
  select.value = countries.some((c) => c.code === wanted) ? wanted : config.defaultCountry;
  select.addEventListener("change", () => remember("country", select.value));
}

/** The Healing Name field: remembered on this device, with a button that forgets it. */
export function wireHealingName(input, forgetButton, status) {
  input.value = remembered("name") ?? "";
  input.addEventListener("change", () => remember("name", input.value.trim()));
  forgetButton.addEventListener("click", () => {
    remember("name", null);
    input.value = "";
    status.textContent = "Your Healing Name is no longer remembered on this device.";
    input.focus();
  });
}

/** A wait in seconds as a person says it, with the clock time: "about 2 minutes (at 14:05)". */
export function humanWait(seconds) {
  const s = Math.max(1, Math.round(seconds));
  const at = new Date(Date.now() + s * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const unit = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (s < 90) return `${unit(s, "second")}`;
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `about ${unit(minutes, "minute")} (at ${at})`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${unit(hours, "hour")}${rest ? ` and ${unit(rest, "minute")}` : ""} (at ${at})`;
}

/** What went wrong with an answer, in words a person can act on. `kept` says what happened to their text. */
export async function describeFailure(response, { kept, what = "The companion is" }) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): the status alone says enough.
  }
  if (response.status === 429) {
    const retry = Number(response.headers.get("retry-after"));
    const when = Number.isFinite(retry) && retry > 0 ? `in ${humanWait(retry)}` : "in a little while";
    return { text: `You have sent a lot in a short time, so we need a pause. You can try again ${when}. ${kept}`, body };
  }
  if (response.status >= 500) {
    return {
      text: `${what} not available right now (the server answered ${response.status}). ${kept} Please try again in a minute.`,
      body,
      retry: true,
    };
  }
  const detail = body?.error?.message ? ` ${body.error.message}` : "";
  return { text: `That could not be sent.${detail} ${kept}`, body };
}

export const OFFLINE_TEXT = "You seem to be offline.";
export const UNREACHABLE_TEXT = "We could not reach the companion; check your connection.";

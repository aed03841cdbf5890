// The participant's personal link: `/?p=<token>` signs them in. The token is taken out of the
// address bar at once (history.replaceState, so it is not bookmarked, shared or kept in history),
// kept for this tab only (sessionStorage), and sent as `Authorization: Bearer` with every request
// that acts under their Healing Name.
const KEY = "hc.participantToken";

function store(token) {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage refused (private mode): the link still works for this page view.
  }
}

let current = null;
try {
  current = sessionStorage.getItem(KEY);
} catch {
  current = null;
}
const url = new URL(location.href);
const fromLink = url.searchParams.get("p");
if (fromLink !== null) {
  url.searchParams.delete("p");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  if (/^[\w-]+\.[\w-]+\.[\w-]+$/.test(fromLink) && fromLink.length <= 1024) {
    current = fromLink;
    store(current);
  }
}

/** Headers that identify the participant, when they came through their link. */
export function authHeaders() {
  return current ? { authorization: `Bearer ${current}` } : {};
}

export function signOut() {
  current = null;
  store(null);
}

/**
 * Who the link signs in: { healingName } when it is valid, { problem } when the API refused it
 * (the link is then forgotten), null without a link or when the API cannot be reached.
 */
export async function whoAmI() {
  if (!current) return null;
  try {
    const response = await fetch("/api/participant", { headers: { accept: "application/json", ...authHeaders() } });
    const body = await response.json().catch(() => null);
    if (response.ok && body?.signedIn) return { healingName: body.healingName };
    if (response.status === 401 || response.status === 403) {
      signOut();
      return { problem: body?.error?.message ?? "Your personal link is not valid any more." };
    }
    return null;
  } catch {
    return null;
  }
}

/**
 * Show the sign-in on a page: the Healing Name field holds the link's name and is read-only, and
 * a note says who is signed in, with a way to sign out on this device.
 */
export async function showParticipant({ nameInput, forgetButton, note, status }) {
  const who = await whoAmI();
  if (!who) return;
  if (who.problem) {
    status.textContent = who.problem;
    return;
  }
  nameInput.value = who.healingName;
  nameInput.readOnly = true;
  forgetButton.hidden = true;
  const signOutButton = document.createElement("button");
  signOutButton.type = "button";
  signOutButton.className = "secondary";
  signOutButton.textContent = "Sign out";
  signOutButton.addEventListener("click", () => {
    signOut();
    nameInput.readOnly = false;
    forgetButton.hidden = false;
    note.hidden = true;
    status.textContent = "You are signed out on this device. Your personal link signs you in again.";
  });
  note.replaceChildren(`Signed in as ${who.healingName} with your personal link. `, signOutButton);
  note.hidden = false;
}

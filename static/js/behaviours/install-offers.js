// The install offers themselves (see install.js): shown only on the screens
// that have them, so loaded there, on first use. It imports nothing of the
// first-load bundle (that would split a shared chunk off): `say` comes in.
const SEEN = "ask-twice:install-offer-seen";

const installed = () => window.matchMedia("(display-mode: standalone)").matches
  || navigator.standalone === true;
// Only Safari on iPhone and iPad has navigator.standalone (false in a tab).
const iphoneSafari = () => navigator.standalone === false;

function remember(key) {
  try { localStorage.setItem(key, "yes"); } catch { /* private mode: ask again next time */ }
}

function seen(key) {
  try { return localStorage.getItem(key) === "yes"; } catch { return false; }
}

export function refresh(root, offer) {
  for (const place of root.querySelectorAll("[data-install-offer]")) place.hidden = !offer || installed();
  for (const note of root.querySelectorAll("[data-installed-note]")) note.hidden = !installed();
  for (const panel of root.querySelectorAll("[data-install-once]")) {
    const iphone = iphoneSafari() && !installed();
    panel.querySelector("[data-iphone-hint]").hidden = !iphone;
    // Shown once: the first time it can help, then only on the Help page.
    if (!panel.hidden || seen(SEEN) || !(iphone || (offer && !installed()))) continue;
    panel.hidden = false;
    remember(SEEN);
  }
}

// `prompt` is the browser's offer, which can be used once; `done` refreshes the offers.
export async function install(button, prompt, say, done) {
  if (!prompt) return;
  button.disabled = true;
  try {
    await prompt.prompt();
    const { outcome } = await prompt.userChoice;
    if (outcome !== "accepted") say("Not installed. You can install Ask Twice later from Help.");
  } catch {
    say("The phone did not install Ask Twice. Help explains another way.");
  } finally {
    button.disabled = false;
    done();
  }
}

// "Not now": hide the offer and put focus on what follows it, not on the page.
export function dismiss(panel) {
  panel.hidden = true;
  const next = panel.parentElement.querySelector("#install-offer ~ * h2, #install-offer ~ h2");
  const target = next || document.getElementById("main");
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
}

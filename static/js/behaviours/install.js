// Installing Ask Twice on the phone (issue 4):
// - "Install on this phone" buttons show only while the browser offers to
//   install (beforeinstallprompt), and hide once installed;
// - iPhone Safari has no such offer, so the preparation screen shows the
//   "Share, then Add to Home Screen" steps once; the Help page always has them;
// - "Back" in the header of the installed app, which has no browser bar.
import { say } from "./status.js";

const SEEN = "ask-twice:install-offer-seen";
let offer = null; // the browser's deferred install prompt, while it lasts

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

function refresh(root) {
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

async function install(button) {
  const prompt = offer;
  if (!prompt) return;
  offer = null; // the browser's offer can be used once
  button.disabled = true;
  try {
    await prompt.prompt();
    const { outcome } = await prompt.userChoice;
    if (outcome !== "accepted") say("Not installed. You can install Ask Twice later from Help.");
  } catch {
    say("The phone did not install Ask Twice. Help explains another way.");
  } finally {
    button.disabled = false;
    refresh(document);
  }
}

// "Not now": hide the offer and put focus on what follows it, not on the page.
function dismiss(panel) {
  panel.hidden = true;
  const next = panel.parentElement.querySelector("#install-offer ~ * h2, #install-offer ~ h2");
  const target = next || document.getElementById("main");
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
}

// "Back" in the installed app: the previous screen when there is one (the
// Navigation API knows; without it, the link goes home).
function goBack(event) {
  if (window.navigation && window.navigation.canGoBack) {
    event.preventDefault();
    window.history.back();
  }
}

export function installOffers(root) {
  refresh(root);
}

export function startInstall() {
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault(); // we offer it on our own button, at a calm moment
    offer = event;
    refresh(document);
  });
  window.addEventListener("appinstalled", () => {
    offer = null;
    refresh(document);
    say("Ask Twice is on this phone now. Open it from your Home Screen.");
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-install]");
    if (button) install(button);
    const notNow = event.target.closest("[data-install-dismiss]");
    if (notNow) dismiss(notNow.closest("[data-install-once]"));
    if (event.target.closest("[data-back]")) goBack(event);
  });
}

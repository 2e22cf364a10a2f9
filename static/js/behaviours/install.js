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
  offer = null;
  button.disabled = true;
  await prompt.prompt();
  const { outcome } = await prompt.userChoice;
  button.disabled = false;
  if (outcome !== "accepted") say("Not installed. You can install Ask Twice later from Help.");
  refresh(document);
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
    const dismiss = event.target.closest("[data-install-dismiss]");
    if (dismiss) dismiss.closest("[data-install-once]").hidden = true;
    const back = event.target.closest("[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
}

// Installing Ask Twice on the phone (issue 4):
// - "Install on this phone" buttons show only while the browser offers to
//   install (beforeinstallprompt), and hide once installed;
// - iPhone Safari has no such offer, so the preparation screen shows the
//   "Share, then Add to Home Screen" steps once; the Help page always has them;
// - "Back" in the header of the installed app, which has no browser bar.
// The offers' code is in install-offers.js, loaded where there is an offer.
import { say } from "./status.js";

let offer = null; // the browser's deferred install prompt, while it lasts
const offers = () => import("./install-offers.js");
const PLACES = "[data-install-offer], [data-installed-note], [data-install-once]";

function refresh(root) {
  if (root.querySelector(PLACES)) offers().then((module) => module.refresh(root, offer)).catch(() => {});
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
    if (button) {
      const prompt = offer;
      offer = null; // the browser's offer can be used once
      offers().then((module) => module.install(button, prompt, say, () => refresh(document))).catch(() => {});
    }
    const notNow = event.target.closest("[data-install-dismiss]");
    if (notNow) offers().then((module) => module.dismiss(notNow.closest("[data-install-once]"))).catch(() => {});
    if (event.target.closest("[data-back]")) goBack(event);
  });
}

// Small behaviours, each hooked by a data-* attribute and run on htmx:load,
// which htmx fires for the first page and for every piece it swaps in.
import { fillClientIds } from "./behaviours/client-id.js";
import { focusAfterSwap } from "./behaviours/focus.js";
import { announce, reportFailures, say } from "./behaviours/status.js";
import { printButtons } from "./behaviours/print.js";
import { startCaptures, visitScreen } from "./behaviours/captures.js";
import { installOffers, startInstall } from "./behaviours/install.js";
import { csrfToken, startBridge } from "./sw-bridge.js";
import { applyLock, startPhone } from "./behaviours/lock.js";
import { appointmentScreen, startAppointment } from "./behaviours/appointment.js";
import { listenForQuestions, startQuestions } from "./behaviours/questions.js";
import { restoreDrafts, startDrafts } from "./behaviours/drafts.js";
import { keepAwake, startWakeLock } from "./behaviours/wake-lock.js";
import { followScreenOrder } from "./behaviours/reading-order.js";
import { showReadiness, startReadiness } from "./behaviours/readiness.js";

// Behaviours of a few pages, loaded when such a page arrives (not in every first load).
function onFirstUse(root) {
  if (!root.querySelector) return;
  if (root.querySelector("[data-copy], [data-printed-copy-of]")) {
    import("./behaviours/copy.js").then((copy) => copy.copyButtons(root, say)).catch(() => {});
  }
  if (root.querySelector("[data-player]")) {
    import("./behaviours/player.js").then((player) => player.players(root, say)).catch(() => {});
  }
  if (root.querySelector("[data-removed-page]") || root.matches("[data-removed-page]")) {
    import("./behaviours/removed.js").then((removed) => removed.showKept(document)).catch(() => {});
  }
  if (root.querySelector("form[data-resumable]")) {
    import("./behaviours/upload.js").then((upload) => upload.resumableUploads(root, say)).catch(() => {});
  }
}

// The recorder, loaded only once it may be used: they agreed, or this phone holds
// recordings of the visit (one to finish after a reload, or still to send).
function recorderWhenWanted() {
  const box = document.querySelector("[data-recorder]");
  if (!box || box.dataset.ready) return;
  const load = () => import("./behaviours/recorder.js")
    .then((r) => r.recorder(document, { say, csrfToken, keepAwake })).catch(() => {});
  if (document.querySelector("#consent-status .consent-state--agreed")) { load(); return; }
  self.AskTwiceDB.recordingsOfVisit(Number(box.dataset.visitId))
    .then((rows) => { if (rows.length) load(); }).catch(() => {});
}

// A whole appointment screen arrived (the first page, or a boosted visit).
function onScreen(root) {
  const screen = root.querySelector && root.querySelector("[data-visit-screen]");
  keepAwake(Boolean(document.querySelector("[data-visit-screen]")));
  if (!screen) return;
  appointmentScreen();
  followScreenOrder();
  startQuestions(screen).catch(() => {});
  restoreDrafts(screen).catch(() => {});
}

document.addEventListener("htmx:load", (event) => {
  fillClientIds(event.target);
  printButtons(event.target);
  onFirstUse(event.target);
  visitScreen(event.target);
  onScreen(event.target);
  installOffers(event.target);
  showReadiness(event.target).catch(() => {});
  startBridge().catch(() => {});
  applyLock().catch(() => {});
});
document.addEventListener("htmx:afterSettle", (event) => {
  focusAfterSwap(event.detail.elt);
  announce(event.detail.elt);
  // Only a change of the consent step can make the recorder wanted: a note's
  // swap must not cost a look into IndexedDB before the next tap.
  const elt = event.detail.elt;
  if (elt && elt.closest && elt.closest("#consent, #consent-log")) recorderWhenWanted();
});
document.addEventListener("visit-drawn", recorderWhenWanted);
reportFailures();
startPhone();
startCaptures();
startInstall();
startAppointment();
listenForQuestions();
startDrafts();
startWakeLock();
startReadiness();

// A full page with errors (a 422 without htmx, or the first load) focuses them too.
focusAfterSwap(document.body);

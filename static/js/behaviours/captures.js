// The appointment screen's side of local-first capture: say "Saved on this
// phone" once the worker has committed, keep typed text on a refusal, show
// what this phone holds that the (possibly cached) page does not, keep each
// item's sync state current, and make the visit ready for offline use.
import { say } from "./status.js";
import { keepStorage, showReadiness } from "./readiness.js";
import { fillClientIds } from "./client-id.js";
import { csrfToken } from "../sw-bridge.js";
import { closeComposer, showSavedNear } from "./appointment.js";
import { arrangeQuestions, questionTicked } from "./questions.js";
import "../../../service_worker/idb.js";

const DB = self.AskTwiceDB;
// Loaded on first use (see each module's header).
const local = () => import("./local-captures.js");
const editor = () => import("./note-editor.js");
const deps = { fillClientIds, csrfToken, arrangeQuestions, closeComposer };

async function showLocalCaptures(screen) {
  const visitId = Number(screen.dataset.visitId);
  // What other phones wrote, as of this phone's last sync: shown with no signal too.
  const [captures, others] = await Promise.all([DB.capturesOfVisit(visitId), DB.replicaOfVisit(visitId)]);
  if (captures.length || others.length) await (await local()).show(screen, captures, others, deps);
}

// The debrief page, kept by the worker: this phone's latest save fills the form
// when it is newer than the one the page was kept with.
async function showLocalDebrief(section) {
  const saves = (await DB.capturesOfVisit(Number(section.dataset.debriefOf)))
    .filter((row) => row.kind === "debrief");
  if (saves.length) (await local()).showDebrief(section, saves);
}

function formOf(event) {
  const source = event.detail && event.detail.elt ? event.detail.elt : event.target;
  return source.closest ? source.closest("form") : null;
}

function onCaptured(event) {
  const detail = event.detail || {};
  const form = formOf(event);
  if (form && detail.reset) {
    form.reset();
    form.querySelectorAll("input[data-client-id]").forEach((input) => { input.value = ""; });
    fillClientIds(form);
    clearError(form);
    const field = form.querySelector("textarea");
    if (field) field.focus();
  }
  if (detail.question) questionTicked(detail.question, detail.asked);
  const note = detail.edited || detail.deleted;
  if (note) editor().then((view) => view.changed(note)).catch(() => {});
  else showSavedNear(form, "Saved on this phone");
  say(detail.message || "Saved on this phone.");
}

// "Edit" on a note: changed in place where the worker can answer (offline
// too); without a worker, the link opens the home computer's edit page.
function onEditClick(event) {
  const target = event.target.closest ? event.target : null;
  const cancel = target && target.closest("[data-cancel-edit]");
  if (cancel) {
    const card = cancel.closest("li.note");
    card.querySelector(".note-editor").remove();
    card.classList.remove("is-editing");
    card.querySelector("[data-edit-note]").focus();
    return;
  }
  const edit = target && target.closest("#note-list [data-edit-note]");
  if (!edit || !(navigator.serviceWorker && navigator.serviceWorker.controller)) return;
  event.preventDefault();
  event.stopPropagation(); // before htmx's boost follows the link
  editor().then((view) => view.open(edit, deps)).catch(() => {});
}

function clearError(form) {
  const slot = form.querySelector("[data-error-slot]");
  if (slot) { slot.hidden = true; slot.textContent = ""; }
  form.querySelectorAll("[aria-invalid]").forEach((field) => field.removeAttribute("aria-invalid"));
}

function onRefused(event) {
  const message = (event.detail && event.detail.message) || "Not saved. Your text is still here.";
  const form = formOf(event);
  const slot = form && form.querySelector("[data-error-slot]");
  if (slot) {
    slot.textContent = message;
    slot.hidden = false;
    slot.id = slot.id || `error-${Math.random().toString(36).slice(2)}`;
    const field = form.querySelector("textarea, input[type=text]");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", slot.id);
      field.focus();
    }
  }
  say(message);
}

// A double tap on a capture button (a form marked data-capture-form) must store one item and never navigate
// (issue 8). htmx drops a second post while the first is out (hx-sync), but a
// tap that lands on a form htmx has not yet taken over (swapped in a moment
// ago) would be a native form post, and one that lands right after the first
// succeeded would post the emptied form. So, before htmx sees it, a submit is
// dropped when htmx has not processed its form, or when the same form (by id,
// as a swapped-in copy keeps it) was posted less than a second ago and nothing
// was typed into it since.
const processed = new WeakSet();
const lastPost = new Map();
const DOUBLE_TAP_MS = 1000;

const formKey = (form) => form.id || form.getAttribute("hx-post");

function guardSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-capture-form")) return;
  const key = formKey(form);
  const now = Date.now();
  if (processed.has(form) && now - (lastPost.get(key) || 0) >= DOUBLE_TAP_MS) {
    lastPost.set(key, now);
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
}

// The worker accepts a capture only when the X-CSRFToken header and the form's
// csrf_token agree: send the form's own token (a boosted page keeps the body's
// hx-headers from the first page, with a token made at another moment).
function sendFormToken(event) {
  const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
  const field = form && form.querySelector("input[name=csrf_token]");
  if (field && field.value) event.detail.headers["X-CSRFToken"] = field.value;
}

export function startCaptures() {
  document.addEventListener("htmx:afterProcessNode", (event) => {
    if (event.target instanceof HTMLFormElement) processed.add(event.target);
  });
  document.addEventListener("submit", guardSubmit, true);
  document.addEventListener("click", onEditClick, true);
  document.addEventListener("input", (event) => {
    const form = event.target.form;
    if (form && form.hasAttribute("data-capture-form")) lastPost.delete(formKey(form));
  }, true);
  document.addEventListener("htmx:configRequest", sendFormToken);
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("#consent, #consent-log")) {
      local().then((view) => view.consentChanged(deps)).catch(() => {});
    }
  });
  document.body.addEventListener("captured", onCaptured);
  document.body.addEventListener("captureFailed", onRefused);
  // A sync says which items changed state, and to what.
  document.addEventListener("sync-status", (event) => {
    const changed = event.detail.changed || [];
    if (changed.length) local().then((view) => view.setStates(changed)).catch(() => {});
    // What another phone (or home) wrote for the visit on screen shows now, not on the
    // next load: a withdrawal logged elsewhere takes Record away at once.
    const screen = document.querySelector("[data-visit-screen]");
    if (screen && (event.detail.visits || []).includes(Number(screen.dataset.visitId))) {
      showLocalCaptures(screen).catch(() => {});
    }
  });
}

// Run for each piece htmx loads: the first page, and a boosted navigation.
export function visitScreen(root) {
  const debrief = root.querySelector && root.querySelector("[data-debrief-of]");
  if (debrief) showLocalDebrief(debrief).catch(() => {});
  const screen = root.querySelector && root.querySelector("[data-visit-id]");
  if (!screen) return;
  // data-local says when this phone's own copy is drawn over the page (tests wait for it).
  showLocalCaptures(screen).catch(() => {}).finally(() => {
    screen.dataset.local = "shown";
    document.dispatchEvent(new Event("visit-drawn")); // the consent status is this phone's now
  });
  const button = screen.querySelector("[data-get-ready]");
  if (button) {
    button.addEventListener("click", () => {
      import("./get-ready.js").then((ready) => ready.getReady(button, { say, showReadiness, keepStorage }))
        .catch(() => {});
    });
  }
}

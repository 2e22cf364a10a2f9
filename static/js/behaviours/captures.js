// The appointment screen's side of local-first capture: say "Saved on this
// phone" once the worker has committed, keep typed text on a refusal, show
// what this phone holds that the (possibly cached) page does not, keep each
// item's sync state current, and make the visit ready for offline use.
import { say } from "./status.js";
import { fillClientIds } from "./client-id.js";
import { csrfToken } from "../sw-bridge.js";
import { closeComposer, showSavedNear } from "./appointment.js";
import { arrangeQuestions, questionTicked } from "./questions.js";
import "../../../service_worker/idb.js";
import "../../../service_worker/capture.js";

const DB = self.AskTwiceDB;
const { Capture, Fragments } = self.AskTwiceCapture;

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
  if (detail.edited || detail.deleted) {
    Fragments.get().then((f) => noteChanged(f, detail.edited || detail.deleted)).catch(() => {});
  } else {
    showSavedNear(form, "Saved on this phone");
  }
  say(detail.message || "Saved on this phone.");
}

// A note changed on this phone: its card shows the new words (or goes), and
// focus moves to what the family sees next.
function noteChanged(f, row) {
  const card = applyToNote(f, row);
  if (!card || !card.isConnected) {
    focusHeading("notes-heading");
    return;
  }
  const link = card.querySelector("[data-edit-note]");
  if (link) link.focus();
}

function focusHeading(id) {
  const heading = document.getElementById(id);
  if (!heading) return;
  heading.setAttribute("tabindex", "-1");
  heading.focus();
}

// Show an edit or delete this phone holds ({kind, note_id, text, tags, version,
// state}) on the note's card; returns the card.
function applyToNote(f, row) {
  const card = document.getElementById(`note-${row.note_id}`);
  if (!card) return null;
  closeEditor(card);
  if (row.kind === "note_delete") {
    card.remove();
    return card;
  }
  card.querySelector(".note__text").textContent = row.text;
  card.querySelector(".note__tags").innerHTML = Capture.renderTags(f, row.tags);
  card.dataset.version = row.version;
  card.dataset.editId = row.id;
  const badge = card.querySelector("[data-sync-state]");
  if (badge) badge.outerHTML = Capture.renderState(f, row);
  return card;
}

async function openEditor(link) {
  const card = link.closest("li.note");
  const screen = document.querySelector("[data-visit-id]");
  if (!card || !screen) return;
  if (card.querySelector(".note-editor")) { card.querySelector("textarea").focus(); return; }
  const f = await Fragments.get();
  const keyOf = Object.fromEntries(Object.entries(f.labels.tags).map(([key, label]) => [label, key]));
  const note = {
    id: card.dataset.captureId, visit_id: Number(screen.dataset.visitId),
    version: Number(card.dataset.version) || 1,
    text: card.querySelector(".note__text").textContent,
    tags: [...card.querySelectorAll(".note__tags .tag")].map((tag) => keyOf[tag.textContent.trim()]).filter(Boolean),
  };
  closeComposer({ focus: false }); // the sheet would cover the note being changed
  card.insertAdjacentHTML("beforeend", Capture.renderNoteEditor(f, note, csrfToken()));
  card.classList.add("is-editing");
  const editor = card.querySelector(".note-editor");
  fillClientIds(editor);
  if (window.htmx) window.htmx.process(editor);
  editor.querySelector("textarea").focus();
}

function closeEditor(card) {
  const editor = card.querySelector(".note-editor");
  if (editor) editor.remove();
  card.classList.remove("is-editing");
}

// "Edit" on a note: changed in place where the worker can answer (offline
// too); without a worker, the link opens the home computer's edit page.
function onEditClick(event) {
  const target = event.target.closest ? event.target : null;
  const edit = target && target.closest("#note-list [data-edit-note]");
  const cancel = target && target.closest("[data-cancel-edit]");
  if (cancel) {
    const card = cancel.closest("li.note");
    closeEditor(card);
    const link = card.querySelector("[data-edit-note]");
    if (link) link.focus();
    return;
  }
  if (!edit || !(navigator.serviceWorker && navigator.serviceWorker.controller)) return;
  event.preventDefault();
  event.stopPropagation(); // before htmx's boost follows the link
  openEditor(edit).catch(() => {});
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

// Show each {id, state, reason} on its item, with the badge the server's macro makes.
function setStates(f, rows) {
  for (const row of rows) {
    const id = CSS.escape(row.id);
    const item = document.querySelector(`[data-capture-id="${id}"], [data-edit-id="${id}"]`);
    const badge = item && item.querySelector("[data-sync-state]");
    if (badge) badge.outerHTML = Capture.renderState(f, row);
  }
}

// A row the home computer sent (another phone's, or written at home), in the
// shape of this phone's own captures, so the same markup shows it.
function fromReplica({ entity, data, deleted }) {
  const kind = ["note", "answer", "consent"].includes(entity) && !deleted ? entity : null;
  if (!kind) return null;
  return { id: data.id, kind, visit_id: data.visit_id, question_id: data.question_id,
    text: data.text, tags: data.tags || [], who: data.who, consent: data.kind, version: data.version,
    author: data.author || "", saved_at: Date.parse(data.created_at || data.recorded_at) || Date.now(),
    state: "synced" };
}

function place(f, row) {
  const shown = document.querySelector(`[data-capture-id="${CSS.escape(row.id)}"]`);
  if (shown) { // states below; a note changed since the page was kept shows its latest words
    if (row.kind === "note" && (row.version || 1) > (Number(shown.dataset.version) || 1)) {
      shown.outerHTML = Capture.renderNote(f, row);
    }
    return;
  }
  const [target, html, where] = {
    note: () => [document.getElementById("note-list"), Capture.renderNote(f, row), "afterbegin"],
    answer: () => [document.getElementById(`answers-${row.question_id}`), Capture.renderAnswer(f, row), "beforeend"],
    consent: () => [document.getElementById("consent-log"), Capture.renderConsent(f, row), "beforeend"],
  }[row.kind]();
  if (target) target.insertAdjacentHTML(where, html);
}

async function showLocalCaptures(screen) {
  const visitId = Number(screen.dataset.visitId);
  const captures = await DB.capturesOfVisit(visitId);
  // What other phones wrote, as of this phone's last sync: shown with no signal too.
  const replica = await DB.replicaOfVisit(visitId);
  const others = replica.map(fromReplica).filter(Boolean).sort((a, b) => a.saved_at - b.saved_at);
  if (!captures.length && !replica.length) return;
  const f = await Fragments.get();
  others.forEach((row) => place(f, row));
  // Deleted since the page was kept (a tombstone pull brought).
  replica.filter((row) => row.deleted && row.entity === "note")
    .forEach((row) => { const card = document.getElementById(`note-${row.id}`); if (card) card.remove(); });
  const latestTick = new Map();
  const changes = [];
  for (const row of captures.sort((a, b) => (a.hlc < b.hlc ? -1 : 1))) {
    if (row.kind === "asked") latestTick.set(row.question_id, row);
    else if (row.kind === "note_edit" || row.kind === "note_delete") changes.push(row);
    else place(f, row);
  }
  // This phone's edits and deletes, over the notes as shown: each unless the note
  // has since moved past the version it made (settled at home, say).
  for (const row of changes) {
    const card = document.getElementById(`note-${row.note_id}`);
    if (row.state !== "rejected" && card && row.version >= (Number(card.dataset.version) || 1)) {
      applyToNote(f, row);
    }
  }
  for (const row of latestTick.values()) {
    if (row.state === "synced") continue; // the page (or its next load) already shows it
    const form = document.getElementById(`asked-form-${row.question_id}`);
    if (!form) continue;
    form.outerHTML = Capture.renderAsked(f, row, csrfToken());
    document.getElementById(`question-${row.question_id}`).classList.toggle("question--asked", row.asked);
  }
  arrangeQuestions();
  showLatestConsent(f);
  settleConsent(false);
  if (window.htmx) window.htmx.process(document.getElementById("main"));
  // Re-read: a sync may have changed states while the page was drawing.
  setStates(f, await DB.capturesOfVisit(visitId));
}

// The status line above the consent log says what the latest event in the log
// says: the server's rows and this phone's own captures alike (issue 8), so it
// can never contradict the log, whichever of them is newer.
function latestConsent() {
  let latest = null;
  let latestAt = -Infinity;
  for (const item of document.querySelectorAll("#consent-log li[data-consent-kind]")) {
    const time = item.querySelector("time");
    const at = time ? Date.parse(time.getAttribute("datetime")) : NaN;
    if (!Number.isNaN(at) && at >= latestAt) { latest = item; latestAt = at; }
  }
  return latest;
}

function showLatestConsent(f) {
  const status = document.getElementById("consent-status");
  const item = latestConsent();
  if (!status || !item || status.dataset.consentOf === item.dataset.captureId) return;
  const html = Capture.renderConsentStatus(f, {
    id: item.dataset.captureId,
    visit_id: Number(document.querySelector("[data-visit-id]").dataset.visitId),
    who: item.dataset.who,
    kind: item.dataset.consentKind,
    when: item.querySelector("time").textContent,
  }, csrfToken());
  const fresh = document.createRange().createContextualFragment(html).firstElementChild;
  fresh.removeAttribute("hx-swap-oob");
  status.replaceWith(fresh);
  fillClientIds(fresh);
  if (window.htmx) window.htmx.process(fresh);
}

// Once an answer is logged, the form folds away under the status line; after a
// tap on it, focus goes to that line, which says what was logged.
function settleConsent(moveFocus) {
  const status = document.getElementById("consent-status");
  const ask = document.querySelector("[data-consent-ask]");
  if (!status || !ask || !status.dataset.consentOf) return;
  if (ask.contains(document.activeElement) && !moveFocus) return;
  ask.open = false;
  if (moveFocus) {
    status.setAttribute("tabindex", "-1");
    status.focus();
  }
}

// The worker, once it is in charge: just after the page opens it may still be
// starting. Null only when this browser has no service workers at all.
async function workerInCharge(timeoutMs = 15000) {
  if (!("serviceWorker" in navigator)) return null;
  if (navigator.serviceWorker.controller) return navigator.serviceWorker.controller;
  const late = new Promise((resolve) => setTimeout(() => resolve(undefined), timeoutMs));
  const registration = await Promise.race([navigator.serviceWorker.ready, late]);
  return navigator.serviceWorker.controller || (registration && registration.active) || undefined;
}

async function getReady(button) {
  const status = document.querySelector("[data-ready-status]");
  if (!("serviceWorker" in navigator)) {
    status.textContent = "This browser cannot keep the visit for offline use.";
    return;
  }
  button.disabled = true;
  status.textContent = "Getting ready…";
  const worker = await workerInCharge();
  if (!worker) {
    button.disabled = false;
    status.textContent = "Not ready yet: the phone is still setting up. Please try again in a moment.";
    return;
  }
  const channel = new MessageChannel();
  const answer = new Promise((resolve) => { channel.port1.onmessage = (event) => resolve(event.data); });
  worker.postMessage({ type: "get-ready", urls: JSON.parse(button.dataset.urls) }, [channel.port2]);
  const result = await answer;
  button.disabled = false;
  if (!result.ok) { status.textContent = "Could not get ready: please check the connection and try again."; return; }
  const persisted = navigator.storage && navigator.storage.persist ? await navigator.storage.persist() : false;
  await DB.setMeta(`ready:${button.dataset.visitId}`, { at: result.at, persisted });
  showReady(status, { at: result.at, persisted });
  say(status.textContent);
}

function showReady(status, ready) {
  const time = new Date(ready.at).toLocaleString([], {
    hour: "2-digit", minute: "2-digit", day: "numeric", month: "short", hour12: false });
  status.textContent = `Ready to use offline (since ${time}).`;
  status.classList.add("ready");
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
      Fragments.get().then((f) => { showLatestConsent(f); settleConsent(true); }).catch(() => {});
    }
  });
  document.body.addEventListener("captured", onCaptured);
  document.body.addEventListener("captureFailed", onRefused);
  // A sync says which items changed state, and to what.
  document.addEventListener("sync-status", (event) => {
    const changed = event.detail.changed || [];
    if (changed.length) Fragments.get().then((f) => setStates(f, changed)).catch(() => {});
  });
}

// Run for each piece htmx loads: the first page, and a boosted navigation.
export function visitScreen(root) {
  const screen = root.querySelector && root.querySelector("[data-visit-id]");
  if (!screen) return;
  // data-local says when this phone's own copy is drawn over the page (tests wait for it).
  showLocalCaptures(screen).catch(() => {}).finally(() => { screen.dataset.local = "shown"; });
  const button = screen.querySelector("[data-get-ready]");
  if (button) {
    button.addEventListener("click", () => getReady(button));
    DB.getMeta(`ready:${button.dataset.visitId}`).then((ready) => {
      if (ready) showReady(document.querySelector("[data-ready-status]"), ready);
    });
  }
}

// The appointment screen's side of local-first capture: say "Saved on this
// phone" once the worker has committed, keep typed text on a refusal, show
// what this phone holds that the (possibly cached) page does not, keep each
// item's sync state current, and make the visit ready for offline use.
import { say } from "./status.js";
import { fillClientIds } from "./client-id.js";
import { csrfToken } from "../sw-bridge.js";
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
  if (detail.question) {
    const item = document.getElementById(`question-${detail.question}`);
    if (item) item.classList.toggle("question--asked", detail.asked);
  }
  say(detail.message || "Saved on this phone.");
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
    const item = document.querySelector(`[data-capture-id="${CSS.escape(row.id)}"]`);
    const badge = item && item.querySelector("[data-sync-state]");
    if (badge) badge.outerHTML = Capture.renderState(f, row);
  }
}

async function showLocalCaptures(screen) {
  const visitId = Number(screen.dataset.visitId);
  const captures = await DB.capturesOfVisit(visitId);
  if (!captures.length) return;
  const f = await Fragments.get();
  const latestTick = new Map();
  for (const row of captures.sort((a, b) => (a.hlc < b.hlc ? -1 : 1))) {
    if (row.kind === "asked") { latestTick.set(row.question_id, row); continue; }
    if (document.querySelector(`[data-capture-id="${CSS.escape(row.id)}"]`)) continue; // states below
    const [target, html, where] = {
      note: () => [document.getElementById("note-list"), Capture.renderNote(f, row), "afterbegin"],
      answer: () => [document.getElementById(`answers-${row.question_id}`), Capture.renderAnswer(f, row), "beforeend"],
      consent: () => [document.getElementById("consent-log"), Capture.renderConsent(f, row), "beforeend"],
    }[row.kind]();
    if (target) target.insertAdjacentHTML(where, html);
  }
  for (const row of latestTick.values()) {
    if (row.state === "synced") continue; // the page (or its next load) already shows it
    const form = document.getElementById(`asked-form-${row.question_id}`);
    if (!form) continue;
    form.outerHTML = Capture.renderAsked(f, row, csrfToken());
    document.getElementById(`question-${row.question_id}`).classList.toggle("question--asked", row.asked);
  }
  if (window.htmx) window.htmx.process(document.getElementById("main"));
  // Re-read: a sync may have changed states while the page was drawing.
  setStates(f, await DB.capturesOfVisit(visitId));
}

async function getReady(button) {
  const status = document.querySelector("[data-ready-status]");
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!worker) { status.textContent = "This browser cannot keep the visit for offline use."; return; }
  button.disabled = true;
  status.textContent = "Getting ready…";
  const channel = new MessageChannel();
  const answer = new Promise((resolve) => { channel.port1.onmessage = (event) => resolve(event.data); });
  worker.postMessage({ type: "get-ready", urls: JSON.parse(button.dataset.urls) }, [channel.port2]);
  const result = await answer;
  button.disabled = false;
  if (!result.ok) { status.textContent = "Could not get ready: please check the connection and try again."; return; }
  const persisted = navigator.storage && navigator.storage.persist ? await navigator.storage.persist() : false;
  await DB.setMeta(`ready:${button.dataset.visitId}`, { at: result.at, persisted });
  showReady(status, { at: result.at, persisted });
}

function showReady(status, ready) {
  const time = new Date(ready.at).toLocaleString([], {
    hour: "2-digit", minute: "2-digit", day: "numeric", month: "short", hour12: false });
  status.textContent = `Ready to use offline (since ${time}).`;
  status.classList.add("ready");
}

export function startCaptures() {
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
  showLocalCaptures(screen).catch(() => {});
  const button = screen.querySelector("[data-get-ready]");
  if (button) {
    button.addEventListener("click", () => getReady(button));
    DB.getMeta(`ready:${button.dataset.visitId}`).then((ready) => {
      if (ready) showReady(document.querySelector("[data-ready-status]"), ready);
    });
  }
}

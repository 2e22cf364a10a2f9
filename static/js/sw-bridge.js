// Connects the pages to the service worker (the squoosh pattern): register it,
// register this phone as a device, keep the "not yet synced" bar current, ask
// for sync at the right moments, and offer updates without ever swapping the
// page under a form someone is filling in.
import "../../service_worker/idb.js";

import { say } from "./behaviours/status.js";
import { keepStorage, syncNowAndThen } from "./behaviours/readiness.js";

const DB = self.AskTwiceDB;
const UNREACHABLE = "Can't reach your computer. Your notes are safe on this phone.";
const NOT_PAIRED = "This phone is no longer paired. Your notes are safe on it: pair it again from the home computer.";
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });

// The token of this session, from any form on the page (a boosted swap keeps
// the body's own attributes from an earlier page).
export function csrfToken() {
  const field = document.querySelector("input[name=csrf_token]");
  return field ? field.value : "";
}

// "Sync now" reports its outcome when it fails: at once with no connection,
// else when the worker says the sync did not get through.
let reportNextFailure = false;

function syncNow() {
  if (!navigator.onLine) { say(UNREACHABLE); return; }
  reportNextFailure = true;
  askForSync();
}

function showStatus(status) {
  if (reportNextFailure) {
    reportNextFailure = false;
    if (status.error) say(status.error === "unauthorized" ? NOT_PAIRED : UNREACHABLE);
  }
  const bar = document.getElementById("sync-bar");
  if (!bar) return;
  bar.hidden = false;
  const last = status.lastSync ? `last sync at ${clock(status.lastSync)}` : "not synced yet";
  const pending = status.pending ? `${status.pending} not yet synced` : "Everything is synced";
  bar.querySelector("[data-sync-summary]").textContent = status.error === "unauthorized"
    ? `This phone is no longer paired. ${status.pending} not yet synced, safe on this phone: `
      + "pair it again from the home computer (Phones, then Make a code)."
    : `${pending}, ${last}.`;
  bar.dataset.pending = String(status.pending);
  document.dispatchEvent(new CustomEvent("sync-status", { detail: status }));
}

async function refreshStatus() {
  showStatus({ pending: await DB.pendingCount(), lastSync: await DB.getMeta("lastSync") });
}

function askForSync() {
  const worker = navigator.serviceWorker.controller;
  if (worker) worker.postMessage({ type: "sync-now" });
}

// This sign-in's device: a new one after signing in again or pairing again (the
// old token stopped working then), so what waits in the outbox goes out under it.
async function ensureDevice() {
  const stored = await DB.getMeta("device");
  if (!navigator.onLine || (stored && stored.login === Number(document.body.dataset.login))) return;
  const response = await fetch("/devices", {
    method: "POST",
    headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: "Phone" }),
  });
  if (response.status === 201) {
    await DB.setMeta("device", await response.json());
    await DB.setMeta("unpaired", false);
    // A new sign-in (or pairing again, the way out of a forgotten PIN) unlocks the phone.
    await DB.setMeta("lock", null);
    document.dispatchEvent(new Event("lock-changed"));
    askForSync();
    // Paired: ask now to keep what it will hold for use with no signal.
    await keepStorage().catch(() => {});
  }
}

// Someone is typing when a field holds more than the page put in it.
function formsInUse() {
  return Array.from(document.querySelectorAll("textarea, input[type=text]"))
    .some((field) => field.value.trim() && field.value !== field.defaultValue);
}

function offerUpdate(worker) {
  if (!formsInUse()) {
    worker.postMessage({ type: "skip-waiting" });
    return;
  }
  const notice = document.getElementById("update-notice");
  if (!notice) return;
  notice.hidden = false;
  say(notice.querySelector("p").textContent);
  notice.querySelector("button").onclick = () => worker.postMessage({ type: "skip-waiting" });
}

let started = false;

// Run on every htmx:load; starts once, on the first page of a signed-in session
// (signing in is a full page load, so the session's scripts are on the page).
export async function startBridge() {
  if (started || !("serviceWorker" in navigator) || !document.body.dataset.signedIn) return;
  started = true;
  // Listen before registering: a worker's first status message must not be missed.
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "sync-status") showStatus(event.data);
  });
  const hadController = Boolean(navigator.serviceWorker.controller);
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });

  // A new version waits; it takes over only when nobody is typing, or on "Update".
  if (registration.waiting && hadController) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const incoming = registration.installing;
    incoming.addEventListener("statechange", () => {
      if (incoming.state === "installed" && navigator.serviceWorker.controller) offerUpdate(incoming);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController && !reloading) { reloading = true; window.location.reload(); }
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-sync-now]")) syncNow();
  });
  window.addEventListener("online", askForSync);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") askForSync(); });

  await refreshStatus();
  await navigator.serviceWorker.ready;
  await ensureDevice().catch(() => {});
  askForSync();
  syncNowAndThen(registration).catch(() => {});
}

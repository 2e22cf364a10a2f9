// Connects a paired phone's pages to the service worker (the squoosh pattern):
// register it, register this phone as a device, keep the "not yet synced" bar current, ask
// for sync at the right moments, and offer updates without ever swapping the
// page under a form someone is filling in.
import "../../service_worker/idb.js";

import { say } from "./behaviours/status.js";
import { keepStorage, syncNowAndThen } from "./behaviours/readiness.js";

const DB = self.AskTwiceDB;
const UNREACHABLE = "Can't reach your computer. Your notes are safe on this phone.";
const NOT_PAIRED = "This phone is no longer paired. Your notes are safe on it: pair it again from the home computer.";
const REMOVED_PAGE = "/static/removed.html";
const NO_CONNECTION = "No connection. Notes stay on this phone.";
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

// No connection, from the `offline` event or the first request that got no
// answer, until the home computer answers again (a sync that got through).
let connected = true;
let shown = null; // the last status drawn, drawn again when the connection changes

function setConnected(now) {
  if (connected === now) return;
  connected = now;
  if (shown) drawStatus(shown);
}

function drawStatus(status) {
  const bar = document.getElementById("sync-bar");
  if (!bar) return;
  bar.hidden = false;
  const last = status.lastSync ? `last sync at ${clock(status.lastSync)}` : "not synced yet";
  const pending = status.pending ? `${status.pending} not yet synced` : "Everything is synced";
  const summary = bar.querySelector("[data-sync-summary]");
  if (status.error === "unauthorized") {
    summary.textContent = `This phone is no longer paired. ${status.pending} not yet synced, safe on this phone: `
      + "pair it again from the home computer (Phones, then Make a code).";
  } else if (!connected) {
    // "Everything is synced" is more than an unreachable phone can know.
    const since = status.pending ? `${status.pending} not yet synced, ${last}` : last[0].toUpperCase() + last.slice(1);
    summary.replaceChildren(Object.assign(document.createElement("strong"), { textContent: NO_CONNECTION }), ` ${since}.`);
  } else {
    summary.textContent = `${pending}, ${last}.`;
  }
  bar.toggleAttribute("data-offline", !connected);
  bar.dataset.pending = String(status.pending);
}

// Items another person typed on this phone before it was paired again wait here
// (service_worker/outbox.js, holdOthers) until this person chooses to send them as theirs.
function drawHeld(held) {
  const notice = document.getElementById("held-notice");
  if (!notice) return;
  notice.hidden = !held;
  if (!held) return;
  const one = held.count === 1;
  const whose = held.me ? `${held.me}'s` : "yours";
  notice.querySelector("[data-held-summary]").textContent = `${one ? "1 item was" : `${held.count} items were`} `
    + `written by ${held.authors.join(" and ")} on this phone before it was paired again. `
    + `${one ? "It stays" : "They stay"} here until you send ${one ? "it" : "them"} as ${whose}.`;
  notice.querySelector("[data-send-held]").textContent = `Send ${one ? "it" : "them"} as ${whose}`;
}

function showStatus(status) {
  // Removed at home: the worker has forgotten the family's things; its own page says what stays.
  if (status.error === "removed") { window.location.replace(REMOVED_PAGE); return; }
  if (reportNextFailure) {
    reportNextFailure = false;
    if (status.error) say(status.error === "unauthorized" ? NOT_PAIRED : UNREACHABLE);
  }
  if (status.unreachable) connected = false;
  // An answer to a request sent before the connection went says nothing of now.
  if (status.reached && navigator.onLine) connected = true;
  shown = status;
  drawStatus(status);
  if ("held" in status) drawHeld(status.held);
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
// Returns whether this phone has it now.
async function ensureDevice() {
  const stored = await DB.getMeta("device");
  if (stored && stored.login === Number(document.body.dataset.login)) return true;
  if (!navigator.onLine) return false;
  const response = await fetch("/devices", {
    method: "POST",
    headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: "Phone" }),
  });
  if (response.status === 201) {
    await DB.setMeta("device", await response.json());
    await DB.setMeta("unpaired", false);
    await DB.setMeta("removed", null);
    // A new sign-in (or pairing again, the way out of a forgotten PIN) unlocks the phone.
    await DB.setMeta("lock", null);
    document.dispatchEvent(new Event("lock-changed"));
    askForSync();
    // Paired: ask now to keep what it will hold for use with no signal.
    await keepStorage().catch(() => {});
    return true;
  }
  return false;
}

// Asked again a few times while it gets no answer (a busy home computer, a
// connection that came back a moment ago): until this page has it, what is
// captured here waits in the outbox with no device to send it.
// One at a time: two at once (the page's start and "online") would each register a device.
const AGAIN_AFTER_MS = [1000, 3000, 7000, 15000];
let ensuring = null;
function ensureDeviceSoon() {
  ensuring = ensuring || (async () => {
    for (const wait of [0, ...AGAIN_AFTER_MS]) {
      if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
      if (await ensureDevice().catch(() => false)) return;
    }
  })().finally(() => { ensuring = null; });
  return ensuring;
}

// Back online: sync now, and again while no sync has got through, since the
// worker's own connection can come back a moment after the page's, and its
// next try after a failure may be a minute away.
function backOnline() {
  ensureDeviceSoon();
  askForSync();
  for (const wait of AGAIN_AFTER_MS) {
    setTimeout(() => { if (!connected && navigator.onLine) askForSync(); }, wait);
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

// A browser that is no paired phone (the home computer) writes straight to the
// server: no worker, no outbox. One an older version set up as a phone sends what
// its outbox still holds first, then lets its worker and storage go.
async function retire() {
  const registrations = await navigator.serviceWorker.getRegistrations();
  if (!registrations.length) return;
  if (await DB.pendingCount()) { askForSync(); return; } // again on the next page
  for (const registration of registrations) await registration.unregister();
  await DB.forget(true);
}

// Run on every htmx:load; starts once, on the first page of a signed-in session
// (signing in is a full page load, so the session's scripts are on the page).
export async function startBridge() {
  if (started || !("serviceWorker" in navigator) || !document.body.dataset.signedIn) return;
  started = true;
  if (!document.body.dataset.phone) { await retire(); return; }
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
    if (event.target.closest("[data-send-held]")) {
      const worker = navigator.serviceWorker.controller;
      if (worker) worker.postMessage({ type: "send-held" });
    }
  });
  window.addEventListener("online", backOnline);
  window.addEventListener("offline", () => setConnected(false));
  // A boosted page swaps in its own bar, hidden and empty: draw the last status on it.
  document.addEventListener("htmx:load", () => {
    const bar = document.getElementById("sync-bar");
    if (shown && bar && bar.hidden) { drawStatus(shown); drawHeld(shown.held); }
  });
  document.addEventListener("htmx:sendError", () => setConnected(false));
  if (!navigator.onLine) connected = false;
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") askForSync(); });

  await refreshStatus();
  await navigator.serviceWorker.ready;
  await ensureDeviceSoon();
  askForSync();
  syncNowAndThen(registration).catch(() => {});
}

// What the phone says about each visit it keeps for use with no signal (issue
// 24): on the home screen beside each upcoming visit, and at the top of the
// appointment screen. The worker makes visits ready after each sync
// (service_worker/ready.js) and records when; this reads that record.
import "../../../service_worker/idb.js";

const DB = self.AskTwiceDB;
const KEPT_AHEAD_DAYS = 14; // as the home computer's cases.KEPT_AHEAD
const DAY_MS = 24 * 60 * 60 * 1000;

const weekday = (date) => date.toLocaleDateString([], { weekday: "long" });
const clock = (date) => date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });

// "2026-12-08" as that day at midnight, here.
function localDay(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(year, month - 1, day);
}

function daysFromToday(day) {
  const today = new Date();
  return Math.round((day - new Date(today.getFullYear(), today.getMonth(), today.getDate())) / DAY_MS);
}

// The line for one visit: ready since when, or what is missing and the one thing to do.
// `short`: beside "Get ready" on the appointment screen, in two short lines at most,
// so that the next question stays on the first screen; the button is the action.
export function readyLine(ready, iso, short = false) {
  const day = localDay(iso);
  const away = daysFromToday(day);
  if (short) {
    if (ready && ready.at) return "Ready with no signal.";
    return away > KEPT_AHEAD_DAYS ? "Do this at home, online." : "Not ready: do this online.";
  }
  if (ready && ready.at) return `Ready to use with no signal (checked ${weekday(new Date(ready.at))} ${clock(new Date(ready.at))})`;
  if (away > KEPT_AHEAD_DAYS) return "This phone gets it ready by itself in the two weeks before.";
  if (away <= 0) return "Not ready yet: open Ask Twice here once while you have signal.";
  const when = away < 7 ? weekday(day) : day.toLocaleDateString([], { weekday: "long", day: "numeric", month: "long" });
  return `Not ready yet: open Ask Twice once at home before ${when}.`;
}

const REFUSED = "This browser may clear what the phone keeps for use with no signal when space runs low. "
  + "On an iPhone, open Ask Twice from its Home Screen icon: only then is it kept reliably.";

// Fill every readiness line in `root`, on a phone only (one that syncs as a
// device), or wherever "Get ready" was tapped (`tapped`).
export async function showReadiness(root = document, tapped = false) {
  const lines = root.querySelectorAll ? root.querySelectorAll("[data-ready-line]") : [];
  const refusal = root.querySelector && root.querySelector("[data-storage-refused]");
  if ((!lines.length && !refusal) || !(tapped || (await DB.getMeta("device")))) return;
  for (const line of lines) {
    const ready = await DB.getMeta(`ready:${line.dataset.visitId}`);
    line.textContent = readyLine(ready, line.dataset.day, line.dataset.readyLine === "short");
    line.classList.toggle("ready", Boolean(ready && ready.at));
    line.hidden = false;
  }
  const storage = await DB.getMeta("storage");
  if (refusal && storage && storage.persisted === false) {
    refusal.textContent = REFUSED;
    refusal.hidden = false;
  }
}

// Ask the browser to keep this phone's storage (when paired, and on "Get ready"):
// what it answered is said on the home screen.
export async function keepStorage() {
  const persisted = navigator.storage && navigator.storage.persist ? await navigator.storage.persist() : false;
  await DB.setMeta("storage", { persisted, at: Date.now() });
  return persisted;
}

// Where an installed app may sync by itself now and then, it does, so the
// visits get ready even when nobody opens it; elsewhere the next open does it.
export async function syncNowAndThen(registration) {
  if (!registration.periodicSync || !navigator.permissions) return;
  const allowed = await navigator.permissions.query({ name: "periodic-background-sync" }).catch(() => null);
  if (allowed && allowed.state === "granted") {
    await registration.periodicSync.register("keep-ready", { minInterval: 12 * 60 * 60 * 1000 });
  }
}

export function startReadiness() {
  // A sync may have made a visit ready: say so where it is shown.
  document.addEventListener("sync-status", () => { showReadiness().catch(() => {}); });
}

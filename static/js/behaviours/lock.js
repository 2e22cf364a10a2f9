// The part of "This phone" that every page needs: a locked phone shows only
// the lock screen. Locking, unlocking and wiping (phone.js) load on first use:
// on "This phone", or once a lock is set.
import { csrfToken } from "../sw-bridge.js";

const DB = self.AskTwiceDB;
const phone = () => import("./phone.js");

const shielded = () => {
  const screen = document.getElementById("lock-screen");
  return Boolean(screen && !screen.hidden);
};

// Run on every page and swap. The worker answers pages with its lock screen
// while the phone is locked (data-locked-page): unlocked meanwhile, that page
// loads again as the page asked for.
export async function applyLock() {
  const lockedPage = "lockedPage" in document.body.dataset;
  // Signing in or pairing again is the way out of a forgotten PIN: their pages are never locked.
  const wayOut = document.querySelector("[data-pairing-page], [data-sign-in-page]");
  if (!lockedPage && (!document.body.dataset.signedIn || wayOut)) return;
  const lock = await DB.getMeta("lock");
  const locked = Boolean(lock && lock.locked);
  if (lockedPage && !locked) { window.location.reload(); return; }
  if (locked || shielded()) (await phone()).shield(locked); // the screen: made by phone.js when needed
}

export function startPhone() {
  document.addEventListener("lock-changed", () => applyLock().catch(() => {}));
  // Under the lock screen the page asks the server for nothing.
  document.addEventListener("htmx:beforeRequest", (event) => { if (shielded()) event.preventDefault(); });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const action = form.matches("[data-lock-form]") ? "lockNow" : form.matches("[data-unlock-form]") ? "unlock" : null;
    if (!action) return;
    event.preventDefault();
    phone().then((module) => module[action](form)).catch(() => {});
  });
  document.addEventListener("click", (event) => {
    const wipe = event.target.closest("[data-wipe], [data-wipe-anyway]");
    if (wipe) phone().then((module) => module.wipe(wipe.hasAttribute("data-wipe-anyway"), csrfToken)).catch(() => {});
  });
}

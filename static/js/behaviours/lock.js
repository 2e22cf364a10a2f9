// The part of "This phone" that every page needs: a locked phone shows only
// the lock screen. Locking, unlocking and wiping (phone.js) load on first use:
// on "This phone", or once a lock is set.
import { csrfToken } from "../sw-bridge.js";

const DB = self.AskTwiceDB;
const phone = () => import("./phone.js");

// Run on every page and swap.
export async function applyLock() {
  // Pairing again is the way out of a forgotten PIN: its pages are never locked.
  if (!document.body.dataset.signedIn || document.querySelector("[data-pairing-page]")) return;
  const lock = await DB.getMeta("lock");
  const locked = Boolean(lock && lock.locked);
  const screen = document.getElementById("lock-screen"); // made by phone.js when first needed
  if (locked || (screen && !screen.hidden)) (await phone()).shield(locked);
}

export function startPhone() {
  document.addEventListener("lock-changed", () => applyLock().catch(() => {}));
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

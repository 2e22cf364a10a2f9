// "This phone": lock with a PIN (offline too), and sign out and wipe.
// The PIN is kept only as a PBKDF2 digest in IndexedDB, and never leaves the
// phone. Locking hides the app: the worker answers every page with the lock
// screen and refuses the family's things (service_worker/guard.js), and a page
// with no worker is made inert under the lock screen. It does not encrypt what
// is stored, and the page says so. The wrong tries and the pause after them are
// kept with the lock in IndexedDB, so reloading does not reset them. Loaded by
// lock.js only where it is used (on "This phone", or once a lock is set); it
// imports nothing of the first-load bundle, so that no shared chunk is split off.

const DB = self.AskTwiceDB;
const ITERATIONS = 150_000;
const TRIES_BEFORE_PAUSE = 5;
const PAUSE_MS = 30_000;

async function digest(pin, salt) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false,
    ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(salt), iterations: ITERATIONS }, key, 256);
  return Array.from(new Uint8Array(bits), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The lock screen, made the first time a page needs it (most never do, so it
// is not in every page's markup).
const LOCK_SCREEN = `<div class="lock-screen" id="lock-screen" role="dialog" aria-modal="true" aria-labelledby="lock-title" hidden>
  <form class="narrow" data-unlock-form hx-boost="false" novalidate>
    <h2 id="lock-title">Ask Twice is locked</h2>
    <div class="field">
      <label class="label" for="unlock-pin">PIN</label>
      <p class="error-message" id="unlock-pin-error" data-unlock-error hidden></p>
      <input class="input input--pin" id="unlock-pin" type="password" inputmode="numeric" autocomplete="off" aria-describedby="unlock-pin-error">
    </div>
    <button class="button" type="submit">Unlock</button>
    <p class="hint">Forgot the PIN? On the home computer, make a code in Phones, then <a href="">pair this phone again</a>.</p>
  </form>
</div>`;

function lockScreen() {
  let screen = document.getElementById("lock-screen");
  if (!screen) {
    document.body.insertAdjacentHTML("beforeend", LOCK_SCREEN);
    screen = document.getElementById("lock-screen");
    screen.querySelector("a").href = document.body.dataset.pairUrl;
  }
  return screen;
}

export function shield(on) {
  const screen = lockScreen();
  for (const element of document.body.children) {
    if (element !== screen) element.inert = on;
  }
  screen.hidden = !on;
  if (on) {
    screen.querySelector("input").focus();
    showPause(screen).catch(() => {});
  }
}

function showError(slot, field, message) {
  slot.textContent = message;
  slot.hidden = !message;
  if (message) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
}

export async function lockNow(form) {
  const field = form.querySelector("input[name=pin]");
  const slot = form.querySelector("[data-lock-error]");
  if (!/^\d{4,8}$/.test(field.value)) {
    showError(slot, field, "Choose a PIN of 4 to 8 digits.");
    field.focus();
    return;
  }
  const salt = Array.from(crypto.getRandomValues(new Uint8Array(16)));
  await DB.setMeta("lock", { locked: true, salt, hash: await digest(field.value, salt), tries: 0, pausedUntil: 0 });
  field.value = "";
  showError(slot, field, "");
  // With a worker, load the page again: it answers with the lock screen, so
  // nothing of the family's stays in this page, nor loads under the lock.
  if (navigator.serviceWorker && navigator.serviceWorker.controller) window.location.replace(window.location.href);
  else shield(true);
}

// The pause left after too many wrong PINs, in ms. More than a whole pause
// left means the phone's clock was set back: the pause is over then, rather
// than held for as long as the clock was moved.
function pauseLeft(lock) {
  const left = (lock.pausedUntil || 0) - Date.now();
  return left > 0 && left <= PAUSE_MS ? left : 0;
}

let pauseTimer = null;

// Say how long to wait, and clear the words when the pause is over.
function sayPause(slot, field, lock) {
  const left = pauseLeft(lock);
  clearTimeout(pauseTimer);
  if (!left) return false;
  const seconds = Math.ceil(left / 1000);
  showError(slot, field, `That PIN was wrong ${TRIES_BEFORE_PAUSE} times. Please wait ${seconds} seconds, then try again.`);
  pauseTimer = setTimeout(() => showError(slot, field, ""), left);
  return true;
}

// Count a try in the stored lock (one transaction, so two quick tries both count).
const countTry = (right) => DB.transact(["meta"], "readwrite", async (s) => {
  const row = await DB.req(s.meta.get("lock"));
  if (!row || !row.value) return null;
  const tries = right ? 0 : (row.value.tries || 0) + 1;
  const paused = tries >= TRIES_BEFORE_PAUSE;
  const lock = { ...row.value, locked: row.value.locked && !right, tries: paused ? 0 : tries,
    pausedUntil: paused ? Date.now() + PAUSE_MS : row.value.pausedUntil || 0 };
  s.meta.put({ key: "lock", value: lock });
  return lock;
});

// Back to the page itself: the lock screen the worker sent is loaded again as the page.
function opened(slot, field) {
  showError(slot, field, "");
  if ("lockedPage" in document.body.dataset) window.location.reload();
  else shield(false);
}

export async function unlock(form) {
  const field = form.querySelector("input");
  const slot = form.querySelector("[data-unlock-error]");
  const lock = await DB.getMeta("lock");
  if (!lock || !lock.locked) { opened(slot, field); return; }
  if (sayPause(slot, field, lock)) { field.value = ""; return; }
  const right = await digest(field.value, lock.salt) === lock.hash;
  field.value = "";
  const now = await countTry(right);
  if (!now || !now.locked) { opened(slot, field); return; }
  if (sayPause(slot, field, now)) return;
  const left = TRIES_BEFORE_PAUSE - now.tries;
  showError(slot, field, `That PIN is not right. ${left} more ${left === 1 ? "try" : "tries"} before a short wait.`);
}

// The lock screen says at once when a pause is still running (after a reload, too).
async function showPause(screen) {
  const lock = await DB.getMeta("lock");
  if (lock && lock.locked) sayPause(screen.querySelector("[data-unlock-error]"), screen.querySelector("input"), lock);
}

// "Sign out and wipe", and on a phone removed at home (static/removed.html), whose
// sign-in ended there already, "Wipe this phone" with no sign-out to do.
export async function wipe(anyway, csrfToken) {
  const removed = "removedPage" in document.body.dataset;
  const status = document.querySelector("[data-wipe-status]");
  const again = document.querySelector("[data-wipe-anyway]");
  const pending = await DB.pendingCount();
  if (pending && !anyway) {
    const [items, it] = pending === 1 ? ["1 item is", "it"] : [`${pending} items are`, "them"];
    status.textContent = removed
      ? `${items} not yet sent: wiping now would lose ${it}. Pair again first to send ${it}, or wipe anyway.`
      : `${items} not yet synced: wiping now would lose ${it}. Sync first, or wipe anyway.`;
    again.textContent = `Wipe anyway and lose ${pending === 1 ? "it" : `all ${pending}`}`;
    again.hidden = false;
    return;
  }
  if (!removed && !(await signOut(status, csrfToken))) return;
  // The worker first, so it cannot fill the storage again; then what it kept.
  for (const registration of await navigator.serviceWorker.getRegistrations()) {
    await registration.unregister();
  }
  await DB.forget(true);
  if (removed) (await import("./removed.js")).showWiped(true);
  else window.location.replace("/signin?wiped=1");
}

async function signOut(status, csrfToken) {
  status.textContent = "Signing out…";
  try {
    const response = await fetch("/signout", {
      method: "POST", body: "",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
    });
    if (!response.ok) throw new Error(String(response.status));
    return true;
  } catch (error) {
    status.textContent = "Wiping needs a connection, so that signing out can finish. Nothing was deleted.";
    return false;
  }
}

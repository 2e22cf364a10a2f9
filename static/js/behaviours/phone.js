// "This phone": lock with a PIN (offline too), and sign out and wipe.
// The PIN is kept only as a PBKDF2 digest in IndexedDB, and never leaves the
// phone. Locking hides the app (everything but the lock screen is inert); it
// does not encrypt what is stored, and the page says so. Loaded by lock.js
// only where it is used (on "This phone", or once a lock is set); it imports
// nothing of the first-load bundle, so that no shared chunk is split off.

const DB = self.AskTwiceDB;
const ITERATIONS = 150_000;
const TRIES_BEFORE_PAUSE = 5;
const PAUSE_MS = 30_000;
let wrongTries = 0;

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
  if (on) screen.querySelector("input").focus();
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
  await DB.setMeta("lock", { locked: true, salt, hash: await digest(field.value, salt) });
  field.value = "";
  showError(slot, field, "");
  shield(true);
}

export async function unlock(form) {
  const field = form.querySelector("input");
  const slot = form.querySelector("[data-unlock-error]");
  const lock = await DB.getMeta("lock");
  if (!lock) { shield(false); return; }
  if (wrongTries >= TRIES_BEFORE_PAUSE) return;
  if (await digest(field.value, lock.salt) === lock.hash) {
    wrongTries = 0;
    field.value = "";
    showError(slot, field, "");
    await DB.setMeta("lock", { ...lock, locked: false });
    shield(false);
    return;
  }
  wrongTries += 1;
  field.value = "";
  if (wrongTries < TRIES_BEFORE_PAUSE) {
    showError(slot, field, "That PIN is not right. Please try again.");
    return;
  }
  showError(slot, field, "That PIN was wrong 5 times. Please wait 30 seconds.");
  setTimeout(() => { wrongTries = 0; showError(slot, field, ""); }, PAUSE_MS);
}

export async function wipe(anyway, csrfToken) {
  const status = document.querySelector("[data-wipe-status]");
  const again = document.querySelector("[data-wipe-anyway]");
  const pending = await DB.pendingCount();
  if (pending && !anyway) {
    status.textContent = pending === 1
      ? "1 item is not yet synced: wiping now would lose it. Sync first, or wipe anyway."
      : `${pending} items are not yet synced: wiping now would lose them. Sync first, or wipe anyway.`;
    again.textContent = `Wipe anyway and lose ${pending === 1 ? "it" : `all ${pending}`}`;
    again.hidden = false;
    return;
  }
  status.textContent = "Signing out…";
  try {
    const response = await fetch("/signout", {
      method: "POST", body: "",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
    });
    if (!response.ok) throw new Error(String(response.status));
  } catch (error) {
    status.textContent = "Wiping needs a connection, so that signing out can finish. Nothing was deleted.";
    return;
  }
  // The worker first, so it cannot fill the storage again; then its caches and
  // the database (open connections close themselves on the version change).
  for (const registration of await navigator.serviceWorker.getRegistrations()) {
    await registration.unregister();
  }
  for (const name of await caches.keys()) await caches.delete(name);
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase("ask-twice");
    request.onsuccess = request.onerror = request.onblocked = resolve;
  });
  window.location.replace("/signin?wiped=1");
}

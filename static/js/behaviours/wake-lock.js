// Keep the screen on while the appointment screen is open (Screen Wake Lock,
// where the browser has it), and let it sleep again on any other screen. The
// browser drops the lock when the page is hidden: ask again on return.
let wanted = false;
let sentinel = null;
let asking = false;

async function acquire() {
  if (!wanted || sentinel || asking || !("wakeLock" in navigator) || document.visibilityState !== "visible") return;
  asking = true;
  try {
    sentinel = await navigator.wakeLock.request("screen");
    sentinel.addEventListener("release", () => { sentinel = null; });
  } catch (error) {
    sentinel = null; // refused (low battery, a policy): the screen may dim, nothing else changes
  }
  asking = false;
  if (!wanted) release();
}

function release() {
  const held = sentinel;
  sentinel = null;
  if (held) held.release().catch(() => {});
}

// Called after every page htmx loads: on the appointment screen or not.
export function keepAwake(onAppointment) {
  wanted = onAppointment;
  if (wanted) acquire(); else release();
}

export function startWakeLock() {
  document.addEventListener("visibilitychange", acquire);
  window.addEventListener("pagehide", () => { wanted = false; release(); });
}

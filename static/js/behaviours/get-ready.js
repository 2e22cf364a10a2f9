// "Get ready for this visit" (at home, online): the worker fetches the visit's
// screens into its cache, as it does by itself after each sync
// (service_worker/ready.js), and the phone asks to keep its storage. Loaded on
// the tap; what it needs from the first-load bundle comes in `deps`
// ({ say, showReadiness, keepStorage }), so that no shared chunk is split off.

// The worker, once it is in charge: just after the page opens it may still be
// starting. Null only when this browser has no service workers at all.
async function workerInCharge(timeoutMs = 15000) {
  if (!("serviceWorker" in navigator)) return null;
  if (navigator.serviceWorker.controller) return navigator.serviceWorker.controller;
  const late = new Promise((resolve) => setTimeout(() => resolve(undefined), timeoutMs));
  const registration = await Promise.race([navigator.serviceWorker.ready, late]);
  return navigator.serviceWorker.controller || (registration && registration.active) || undefined;
}

export async function getReady(button, { say, showReadiness, keepStorage }) {
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
  const visit = { id: Number(button.dataset.visitId), day: status.dataset.day, pages: JSON.parse(button.dataset.urls) };
  worker.postMessage({ type: "get-ready", visit }, [channel.port2]);
  const result = await answer;
  button.disabled = false;
  if (!result.ok) { status.textContent = "Could not get ready: please check the connection and try again."; return; }
  await keepStorage().catch(() => false);
  await showReadiness(status.parentElement, true);
  say(status.textContent);
}


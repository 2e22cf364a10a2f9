// One polite live region (#status) says what happened: "Note saved." after a
// swap, or why a save failed. A failed save leaves the form, and the text typed
// into it, exactly as it was.
const FAILED = "Not saved. Your text is still here. Please try again.";
const OFFLINE = "Cannot reach Ask Twice right now, so this was not saved. Your text is still here.";

export function say(message) {
  const region = document.getElementById("status");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick makes screen readers announce a repeat too.
  setTimeout(() => { region.textContent = message; region.hidden = false; }, 50);
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { region.textContent = ""; }, 6000);
}

export function announce(root) {
  const scope = root.isConnected ? root : document.body;
  const note = scope.querySelector("[data-announce]");
  if (note) say(note.textContent.trim());
}

export function reportFailures() {
  document.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    const why = {
      400: "This page was open too long. ",
      401: "You were signed out. Sign in again in a new tab, then save. ",
    }[status] || "";
    say(why + FAILED);
  });
  document.addEventListener("htmx:sendError", () => say(OFFLINE));
}

// Small behaviours, each hooked by a data-* attribute and run on htmx:load,
// which htmx fires for the first page and for every piece it swaps in.
import { fillClientIds } from "./behaviours/client-id.js";
import { focusAfterSwap } from "./behaviours/focus.js";
import { announce, reportFailures } from "./behaviours/status.js";
import { printButtons } from "./behaviours/print.js";
import { startCaptures, visitScreen } from "./behaviours/captures.js";
import { installOffers, startInstall } from "./behaviours/install.js";
import { startBridge } from "./sw-bridge.js";
import { applyLock, startPhone } from "./behaviours/phone.js";

document.addEventListener("htmx:load", (event) => {
  fillClientIds(event.target);
  printButtons(event.target);
  visitScreen(event.target);
  installOffers(event.target);
  startBridge().catch(() => {});
  applyLock().catch(() => {});
});
document.addEventListener("htmx:afterSettle", (event) => {
  focusAfterSwap(event.detail.elt);
  announce(event.detail.elt);
});
reportFailures();
startPhone();
startCaptures();
startInstall();

// A full page with errors (a 422 without htmx, or the first load) focuses them too.
focusAfterSwap(document.body);

// The appointment screen's bottom bar and its full-screen views: "Note" opens
// the composer, focused, and it stays open after each save (only its own
// "Close" folds it); "Questions" and "Recording" bring their part into view
// and put focus there; "Case summary" and "Read back" open full screen, each
// as a step in the history, so the phone's Back closes it before it leaves.
// On a phone the header's links fold behind "Menu". Without scripts the bar's
// links still go to each part (the composer shows as the link's :target). The read-back list is built by read-back.js,
// loaded on the first tap.
const composer = () => document.getElementById("note-form");

export function openComposer({ focus = true } = {}) {
  const form = composer();
  if (!form) return;
  form.classList.add("is-open");
  document.body.classList.add("composing");
  setExpanded(true);
  if (focus) form.querySelector("textarea").focus();
}

// Close the sheet (what was typed stays as a draft); `focus` goes back to the bar.
export function closeComposer({ focus = true } = {}) {
  const form = composer();
  if (!form) return;
  form.classList.remove("is-open");
  document.body.classList.remove("composing");
  setExpanded(false);
  if (window.location.hash === "#note-form") history.replaceState(null, "", window.location.pathname);
  if (focus) document.querySelector("[data-bar=note]").focus();
}

function setExpanded(open) {
  const link = document.querySelector("[data-bar=note]");
  if (link) link.setAttribute("aria-expanded", String(open));
}

function bringIntoView(element) {
  element.scrollIntoView({ block: "start", behavior: "instant" });
  element.focus({ preventScroll: true });
}

const BAR = {
  note: () => openComposer(),
  questions: () => bringIntoView(document.querySelector("#questions li.question--next") || document.getElementById("questions")),
  consent: () => {
    const section = document.getElementById("consent");
    bringIntoView(section);
    // With large text the answer buttons may sit under the bar: bring them up too.
    const row = section.querySelector("[data-consent-ask][open] .button-row") || section.querySelector("#consent-status");
    const over = row.getBoundingClientRect().bottom - document.querySelector(".visit-bar").getBoundingClientRect().top;
    if (over > 0) window.scrollBy({ top: over + 8, behavior: "instant" });
  },
};

// `step`: a new history entry for the open view (not when a reload finds one).
async function openDialog(id, { step = true } = {}) {
  const dialog = document.getElementById(id);
  if (id === "read-back") (await import("./read-back.js")).fillReadBack(dialog);
  if (step) history.pushState({ sheet: id }, "", window.location.href);
  dialog.showModal();
  dialog.querySelector("h2").setAttribute("tabindex", "-1");
  dialog.querySelector("h2").focus();
}

// Closed by its button or Escape, the view takes its history step back with it;
// the Back that makes is ours, and the page under the view stays as it is.
let steppingBack = false;

function onSheetClosed(event) {
  const dialog = event.target;
  if (!(dialog.matches && dialog.matches("dialog.sheet") && history.state && history.state.sheet === dialog.id)) return;
  steppingBack = true;
  history.back();
}

// Back with a view open closes it, and htmx must not restore the page under it
// (its copy of the page may be older than what is on screen).
function onBack(event) {
  const open = document.querySelector("dialog.sheet[open]");
  if (!open && !steppingBack) return;
  event.stopImmediatePropagation();
  steppingBack = false;
  if (open) open.close();
}

// Say "Saved on this phone" beside the button that was used, for a moment (the
// live region says it to screen readers: this one is hidden from them).
export function showSavedNear(form, message) {
  const slot = form && form.isConnected && form.querySelector("[data-saved-here]");
  if (!slot) return;
  slot.textContent = message;
  clearTimeout(slot.timer);
  slot.timer = setTimeout(() => { slot.textContent = ""; }, 4000);
}

// On a phone the header's links fold behind "Menu" (app.css shows it only
// where they would not fit in one row); without scripts they wrap instead.
function menuToggle() {
  const nav = document.querySelector(".site-header nav");
  if (!nav || nav.parentElement.querySelector("[data-menu-toggle]")) return;
  nav.id = "site-menu";
  const toggle = Object.assign(document.createElement("button"), { type: "button", className: "menu-toggle", textContent: "Menu" });
  toggle.dataset.menuToggle = "";
  toggle.setAttribute("aria-controls", nav.id);
  toggle.setAttribute("aria-expanded", "false");
  nav.before(toggle);
}

function toggleMenu(toggle) {
  toggle.setAttribute("aria-expanded", String(toggle.getAttribute("aria-expanded") !== "true"));
}

export function startAppointment() {
  document.addEventListener("click", (event) => {
    const target = event.target.closest ? event.target : null;
    const bar = target && target.closest("[data-bar]");
    const opens = target && target.closest("[data-opens]");
    const close = target && target.closest("[data-close-composer], [data-close-dialog]");
    const menu = target && target.closest("[data-menu-toggle]");
    if (!bar && !opens && !close && !menu) return;
    event.preventDefault();
    event.stopPropagation(); // before htmx's boost sees the link
    if (menu) toggleMenu(menu);
    else if (bar) BAR[bar.dataset.bar]();
    else if (opens) openDialog(opens.dataset.opens).catch(() => {});
    else if (close.hasAttribute("data-close-dialog")) close.closest("dialog").close();
    else closeComposer();
  }, true);
  document.addEventListener("close", onSheetClosed, true);
  window.addEventListener("popstate", onBack);
}

// Run for each full appointment screen: a composer the server opened (after a
// save it answered) or a #note-form link keeps the bar's state true.
export function appointmentScreen() {
  menuToggle();
  // Reloaded with a view open: open it again, on the step it already has.
  const sheet = history.state && history.state.sheet;
  if (sheet && document.getElementById(sheet)) openDialog(sheet, { step: false }).catch(() => {});
  const form = composer();
  if (form && (form.classList.contains("is-open") || window.location.hash === "#note-form")) {
    openComposer({ focus: false });
  } else {
    document.body.classList.remove("composing");
  }
}

// The appointment screen's bottom bar and its full-screen views: "Note" opens
// the composer, focused, and it stays open after each save; "Questions" and
// "Recording" bring their part into view and put focus there; "Case summary"
// and "Read back" open full screen. Without scripts the bar's links still go
// to each part (the composer shows as the link's :target).
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
  note: () => (composer().classList.contains("is-open") ? closeComposer() : openComposer()),
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

// Read back: built from the screen itself, so it holds what this phone saved too.
function fillReadBack(dialog) {
  const list = (texts, empty) => {
    if (!texts.length) return Object.assign(document.createElement("p"), { textContent: empty });
    const ol = document.createElement("ul");
    for (const [text, extra] of texts) {
      const li = ol.appendChild(document.createElement("li"));
      li.appendChild(Object.assign(document.createElement("p"), { textContent: text, className: "read-back__text" }));
      for (const line of extra || []) li.appendChild(Object.assign(document.createElement("p"), { textContent: line }));
    }
    return ol;
  };
  const questions = Array.from(document.querySelectorAll("#questions li[data-question]"))
    .sort((a, b) => a.dataset.order - b.dataset.order);
  const text = (element) => element.firstChild ? element.firstChild.textContent.trim() : "";
  const answered = questions.map((item) => [item.querySelector(".question__text").textContent,
    Array.from(item.querySelectorAll(".answers li"), text)]).filter(([, answers]) => answers.length);
  const unasked = questions.filter((item) => !item.classList.contains("question--asked"))
    .map((item) => [item.querySelector(".question__text").textContent]);
  const label = document.querySelector("label[for=tag-next-step]");
  const steps = Array.from(document.querySelectorAll("#note-list li.note"))
    .filter((note) => label && Array.from(note.querySelectorAll(".tag"), (tag) => tag.textContent).includes(label.textContent))
    .map((note) => [note.querySelector(".note__text").textContent]);
  const parts = { answers: list(answered, "No answers written yet."),
    unasked: list(unasked, "Every question is asked."),
    "next-steps": list(steps, "No notes tagged “Next step” yet.") };
  for (const [name, content] of Object.entries(parts)) dialog.querySelector(`[data-read-back="${name}"]`).replaceChildren(content);
}

function openDialog(id) {
  const dialog = document.getElementById(id);
  if (id === "read-back") fillReadBack(dialog);
  dialog.showModal();
  dialog.querySelector("h2").setAttribute("tabindex", "-1");
  dialog.querySelector("h2").focus();
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

export function startAppointment() {
  document.addEventListener("click", (event) => {
    const target = event.target.closest ? event.target : null;
    const bar = target && target.closest("[data-bar]");
    const opens = target && target.closest("[data-opens]");
    const close = target && target.closest("[data-close-composer], [data-close-dialog]");
    if (!bar && !opens && !close) return;
    event.preventDefault();
    event.stopPropagation(); // before htmx's boost sees the link
    if (bar) BAR[bar.dataset.bar]();
    else if (opens) openDialog(opens.dataset.opens);
    else if (close.hasAttribute("data-close-dialog")) close.closest("dialog").close();
    else closeComposer();
  }, true);
}

// Run for each full appointment screen: a composer the server opened (after a
// save it answered) or a #note-form link keeps the bar's state true.
export function appointmentScreen() {
  const form = composer();
  if (form && (form.classList.contains("is-open") || window.location.hash === "#note-form")) {
    openComposer({ focus: false });
  } else {
    document.body.classList.remove("composing");
  }
}

// The question list at the appointment: the next unasked question first, with
// "Ask next" on it; asked ones fold into the "Asked" group, except the one just
// ticked, which stays in view so its answer can still be written; "Ask this
// next" moves a question to the top. That order is this phone's own (kept in
// IndexedDB, never synced): the prepared order at home is untouched.
const DB = self.AskTwiceDB;
let justAsked = null;
let pinned = [];

const visitId = () => document.querySelector("[data-visit-id]").dataset.visitId;
const items = () => Array.from(document.querySelectorAll("#questions li[data-question]"));

// Put the questions where they belong, moving only what must move (a moved
// element loses focus, which is then given back).
export function arrangeQuestions() {
  const open = document.getElementById("questions-open");
  const asked = document.getElementById("questions-asked");
  if (!open || !asked) return;
  const all = items();
  const prepared = new Map(all.map((item) => [item, Number(item.dataset.order)]));
  const rank = (item) => {
    if (item.id === justAsked) return -1e6;
    const pin = pinned.indexOf(item.id);
    return pin >= 0 ? pin - 1e5 : prepared.get(item);
  };
  const isAsked = (item) => item.classList.contains("question--asked");
  const folded = all.filter((item) => isAsked(item) && item.id !== justAsked);
  const waiting = all.filter((item) => !folded.includes(item)).sort((a, b) => rank(a) - rank(b));
  folded.sort((a, b) => prepared.get(a) - prepared.get(b));
  const focused = document.activeElement;
  place(open, waiting);
  place(asked, folded);
  if (focused && focused !== document.activeElement && focused.isConnected) focused.focus({ preventScroll: true });
  const next = waiting.find((item) => !isAsked(item));
  for (const item of all) {
    item.classList.toggle("question--next", item === next);
    const move = item.querySelector("[data-ask-next]");
    if (move) move.hidden = item === next || isAsked(item);
  }
  const group = document.getElementById("asked-group");
  group.hidden = !folded.length;
  group.querySelector("[data-asked-count]").textContent = String(folded.length);
  const done = document.querySelector("[data-all-asked]");
  if (done) done.hidden = Boolean(next) || !all.length;
}

function place(list, wanted) {
  wanted.forEach((item, index) => {
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] || null);
  });
}

// After "Asked" was tapped (saved by the worker or the server).
export function questionTicked(id, asked) {
  const item = document.getElementById(`question-${id}`);
  if (!item) return;
  item.classList.toggle("question--asked", asked);
  justAsked = asked ? item.id : (justAsked === item.id ? null : justAsked);
  arrangeQuestions();
  const toggle = document.getElementById(`asked-${id}`);
  if (toggle) toggle.focus({ preventScroll: true });
}

async function askNext(button) {
  const item = button.closest("li[data-question]");
  pinned = [item.id, ...pinned.filter((id) => id !== item.id)];
  arrangeQuestions();
  item.scrollIntoView({ block: "center" });
  item.focus({ preventScroll: true });
  await DB.setMeta(`pinned:${visitId()}`, pinned).catch(() => {});
}

export async function startQuestions(screen) {
  justAsked = null;
  pinned = (await DB.getMeta(`pinned:${screen.dataset.visitId}`).catch(() => null)) || [];
  arrangeQuestions();
}

export function listenForQuestions() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-ask-next]");
    if (button) askNext(button);
  });
  // A question the server re-rendered (no worker in charge): fold or unfold it.
  document.addEventListener("htmx:afterSettle", (event) => {
    const item = event.detail.elt;
    if (item && item.matches && item.matches("li[data-question]")) {
      if (item.classList.contains("question--asked")) justAsked = item.id;
      arrangeQuestions();
    }
  });
}

// Half-typed text on the appointment screen (a note, an answer, who was asked
// about recording) is kept in IndexedDB as it is typed, so a reload, a crash,
// a closed browser or "Update now" never loses it. A draft is this phone's
// own: it never enters the outbox, and it is dropped once its form is saved.
import { openComposer } from "./appointment.js";

const DB = self.AskTwiceDB;
let writes = Promise.resolve();
// Whose typing it is (this phone's person, as its registration said): a phone
// removed at home keeps its person's drafts only (AskTwiceDB.forget).
let author = null;
const authorOf = () => {
  author = author || DB.getMeta("device").then((device) => (device && device.author) || "", () => "");
  return author;
};

const keyOf = (field) => {
  const screen = document.querySelector("[data-visit-id]");
  return screen && field.id ? `draft:${screen.dataset.visitId}:${field.id}` : null;
};

// One write at a time, in the order typed: the last one always wins.
function keep(key, text) {
  writes = writes.then(async () => DB.setDraft(key, text ? { text, at: Date.now(), author: await authorOf() } : null))
    .catch(() => {});
  return writes;
}

function onInput(event) {
  const field = event.target;
  if (!field.matches || !field.matches("[data-draft], #note-text, #consent-who")) return;
  const key = keyOf(field);
  if (key) keep(key, field.value === field.defaultValue ? "" : field.value);
}

// Bring back each draft into a field that holds only what the page put there
// (the visit's drafts in one read: most fields have none).
export async function restoreDrafts(screen) {
  const drafts = await DB.draftsOf(`draft:${screen.dataset.visitId}:`).catch(() => new Map());
  if (!drafts.size || !screen.isConnected) return;
  for (const field of document.querySelectorAll("[data-draft], #note-text, #consent-who")) {
    const draft = drafts.get(keyOf(field));
    if (!draft || field.value !== field.defaultValue) continue;
    field.value = draft.text;
    for (let box = field.closest("details"); box; box = box.parentElement.closest("details")) box.open = true;
    if (field.id === "note-text") openComposer({ focus: false });
  }
}

export function startDrafts() {
  document.addEventListener("input", onInput);
  // A saved form's drafts go; a refused one keeps them (its text is still there).
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (form) event.detail.xhr.draftKeys = Array.from(form.querySelectorAll("textarea, input[type=text]"), keyOf).filter(Boolean);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const keys = event.detail.xhr && event.detail.xhr.draftKeys;
    if (event.detail.successful && keys) keys.forEach((key) => keep(key, ""));
  });
}

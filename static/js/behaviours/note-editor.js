// Changing a note in place on the phone: the editor opened by "Edit" on a
// note's card, and the card shown as this phone's edit or delete says
// ({kind: note_edit | note_delete, note_id, text, tags, version, state}).
// The worker answers the editor's posts from IndexedDB (offline too) and
// queues note.edit / note.delete with the version shown. Loaded on first use;
// like local-captures.js it imports nothing the first-load bundle has: what
// it needs comes in `deps`, { fillClientIds, csrfToken, closeComposer }.
import "../../../service_worker/render.js";

const Render = self.AskTwiceRender;

export function close(card) {
  const editor = card.querySelector(".note-editor");
  if (editor) editor.remove();
  card.classList.remove("is-editing");
}

// How each card looked before this phone changed it, and the cards of its deletes,
// so a change the home computer refuses can put the note back as it is there.
const before = new Map(); // note id -> { text, tags, version, badge }
const removed = new Map(); // a delete's id -> [card, its list, the card after it]

function remember(card, noteId) {
  if (before.has(noteId)) return;
  const badge = card.querySelector("[data-sync-state]");
  before.set(noteId, { text: card.querySelector(".note__text").textContent,
    tags: card.querySelector(".note__tags").innerHTML, version: card.dataset.version,
    badge: badge ? badge.outerHTML : "" });
}

// The note as the home computer has it, with this phone's refused words under it.
function refuse(f, card, row) {
  const shown = before.get(row.note_id);
  if (shown) {
    card.querySelector(".note__text").textContent = shown.text;
    card.querySelector(".note__tags").innerHTML = shown.tags;
    card.dataset.version = shown.version;
    before.delete(row.note_id);
  }
  const old = card.querySelector("[data-unsaved]");
  if (old) old.remove();
  if (row.kind === "note_edit") card.querySelector(".note__text").insertAdjacentHTML("afterend", Render.unsaved(f, row));
}

// Show an edit or delete on its note's card; return the card (gone if deleted).
export function apply(f, row) {
  const kept = removed.get(row.id);
  if (kept && row.state === "rejected") { // a delete refused: its card comes back
    const [gone, list, next] = kept;
    list.insertBefore(gone, next && next.parentNode === list ? next : null);
    removed.delete(row.id);
  }
  const card = document.getElementById(`note-${row.note_id}`);
  if (!card) return null;
  close(card);
  card.dataset.editId = row.id;
  if (row.state === "rejected") {
    refuse(f, card, row);
  } else if (row.kind === "note_delete" && row.state !== "conflict") { // a crossed one stays in view
    remember(card, row.note_id);
    removed.set(row.id, [card, card.parentNode, card.nextSibling]);
    card.remove();
    return card;
  } else if (row.kind === "note_edit") {
    remember(card, row.note_id);
    card.querySelector(".note__text").textContent = row.text;
    card.querySelector(".note__tags").innerHTML = Render.tags(f, row.tags);
    card.dataset.version = row.version;
  }
  const badge = card.querySelector("[data-sync-state]");
  if (badge) badge.outerHTML = Render.state(f, row);
  return card;
}

// Just saved: the card shows it, and focus goes where the family looks next.
export async function changed(row) {
  const card = apply(await Render.fragments(), row);
  const link = card && card.isConnected && card.querySelector("[data-edit-note]");
  const target = link || document.getElementById("notes-heading");
  if (!target) return;
  if (!link) target.setAttribute("tabindex", "-1");
  target.focus();
}

export async function open(link, deps) {
  const card = link.closest("li.note");
  const screen = document.querySelector("[data-visit-id]");
  if (!card || !screen) return;
  if (card.querySelector(".note-editor")) { card.querySelector("textarea").focus(); return; }
  const f = await Render.fragments();
  const keyOf = Object.fromEntries(Object.entries(f.labels.tags).map(([key, label]) => [label, key]));
  const note = {
    id: card.dataset.captureId, visit_id: Number(screen.dataset.visitId),
    version: Number(card.dataset.version) || 1,
    text: card.querySelector(".note__text").textContent,
    tags: [...card.querySelectorAll(".note__tags .tag")].map((tag) => keyOf[tag.textContent.trim()]).filter(Boolean),
  };
  deps.closeComposer({ focus: false }); // the sheet would cover the note being changed
  card.insertAdjacentHTML("beforeend", Render.noteEditor(f, note, deps.csrfToken()));
  card.classList.add("is-editing");
  const editor = card.querySelector(".note-editor");
  deps.fillClientIds(editor);
  if (window.htmx) window.htmx.process(editor);
  editor.querySelector("textarea").focus();
}

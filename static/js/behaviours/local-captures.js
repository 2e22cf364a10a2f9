// What this phone holds that the (possibly cached) page does not show: its
// own captures and what other phones wrote as of its last sync, each with its
// sync state, and the consent status re-derived from the log. Loaded on first
// use, by a phone with something to show, so the first load stays small. It
// imports nothing the first-load bundle has (that would split a shared chunk
// off, one more request on every first load): what it needs comes in `deps`,
// { fillClientIds, csrfToken, arrangeQuestions }.
import "../../../service_worker/render.js";
import { apply as applyToNote } from "./note-editor.js";

const Render = self.AskTwiceRender;

// Show each {id, state, reason} on its item, with the badge the server's macro makes.
// A note's card showing an edit made here shows that edit's state, never its note's.
function showStates(f, rows) {
  for (const row of rows) {
    const id = CSS.escape(row.id); // a note's own id, or the id of an edit made here
    const item = document.querySelector(`[data-edit-id="${id}"]`)
      || document.querySelector(`[data-capture-id="${id}"]:not([data-edit-id])`);
    const badge = item && item.querySelector("[data-sync-state]");
    if (badge) badge.outerHTML = Render.state(f, row);
  }
}

export async function setStates(rows) {
  const f = await Render.fragments();
  showStates(f, rows);
  // A note's edit or delete the home computer refused: the note as it is there,
  // this phone's words under it (read back from IndexedDB: the rows are states only).
  const refused = new Set(rows.filter((row) => row.state === "rejected").map((row) => row.id));
  const screen = document.querySelector("[data-visit-id]");
  if (!refused.size || !screen) return;
  const captures = await self.AskTwiceDB.capturesOfVisit(Number(screen.dataset.visitId));
  captures.filter((row) => refused.has(row.id) && isChange(row)).forEach((row) => applyToNote(f, row));
}

const isChange = (row) => row.kind === "note_edit" || row.kind === "note_delete";

// A row the home computer sent (another phone's, or written at home), in the
// shape of this phone's own captures, so the same markup shows it. On a
// companion's phone (`ownOnly`, her member id) others' notes come without Edit.
function fromReplica({ entity, data, deleted }, ownOnly) {
  const kind = ["note", "answer", "consent"].includes(entity) && !deleted ? entity : null;
  if (!kind) return null;
  return { id: data.id, kind, visit_id: data.visit_id, question_id: data.question_id,
    text: data.text, tags: data.tags || [], who: data.who, consent: data.kind, version: data.version,
    author: data.author || "", saved_at: Date.parse(data.created_at || data.recorded_at) || Date.now(),
    state: data.conflict ? "conflict" : "synced", locked: Boolean(ownOnly) && Number(ownOnly) !== data.author_id };
}

function place(f, row) {
  const shown = document.querySelector(`[data-capture-id="${CSS.escape(row.id)}"]`);
  if (shown) { // states below; a note changed since the page was kept shows its latest words,
    // or that it now waits to be settled at home (at one version a note can only come to
    // wait: settling moves the version on, so a page newer than the replica is left alone)
    if (row.kind !== "note") return;
    const version = Number(shown.dataset.version) || 1;
    if ((row.version || 1) > version) shown.outerHTML = Render.note(f, row);
    else if (row.version === version && row.state === "conflict") showStates(f, [row]);
    return;
  }
  const shape = {
    note: () => [document.getElementById("note-list"), Render.note(f, row), "afterbegin"],
    answer: () => [document.getElementById(`answers-${row.question_id}`), Render.answer(f, row), "beforeend"],
    consent: () => [document.getElementById("consent-log"), Render.consent(f, row), "beforeend"],
  }[row.kind];
  if (!shape) return; // kept elsewhere (a debrief has its own page)
  const [target, html, where] = shape();
  if (target) target.insertAdjacentHTML(where, html);
}

// `captures` are this phone's own rows for the visit, `replica` what pull last sent.
export async function show(screen, captures, replica, deps) {
  const visitId = Number(screen.dataset.visitId);
  const others = replica.map((row) => fromReplica(row, screen.dataset.ownNotesOnly)).filter(Boolean).sort((a, b) => a.saved_at - b.saved_at);
  const f = await Render.fragments();
  others.forEach((row) => place(f, row));
  // Deleted since the page was kept (a tombstone pull brought).
  replica.filter((row) => row.deleted && row.entity === "note")
    .forEach((row) => { const card = document.getElementById(`note-${row.id}`); if (card) card.remove(); });
  const latestTick = new Map();
  const changes = [];
  for (const row of captures.sort((a, b) => (a.hlc < b.hlc ? -1 : 1))) {
    if (row.kind === "asked") latestTick.set(row.question_id, row);
    else if (isChange(row)) changes.push(row);
    else place(f, row);
  }
  // This phone's edits and deletes, over the notes as shown: each unless the note
  // has since moved past the version it made (settled at home, say); a refused
  // one while the note is still at the version it saw (its words stay in view).
  for (const row of changes) {
    const card = document.getElementById(`note-${row.note_id}`);
    const version = card ? Number(card.dataset.version) || 1 : 0;
    if (card && (row.state === "rejected" ? row.version === version + 1 : row.version >= version)) {
      applyToNote(f, row);
    }
  }
  for (const row of latestTick.values()) {
    if (row.state === "synced") continue; // the page (or its next load) already shows it
    const form = document.getElementById(`asked-form-${row.question_id}`);
    if (!form) continue;
    form.outerHTML = Render.asked(f, row, deps.csrfToken());
    document.getElementById(`question-${row.question_id}`).classList.toggle("question--asked", row.asked);
  }
  deps.arrangeQuestions();
  showLatestConsent(f, deps);
  settleConsent(false);
  if (window.htmx) window.htmx.process(document.getElementById("main"));
  // Re-read: a sync may have changed states while the page was drawing.
  showStates(f, await self.AskTwiceDB.capturesOfVisit(visitId));
}

// The status line above the consent log says what the latest event in the log
// says: the server's rows and this phone's own captures alike (issue 8), so it
// can never contradict the log, whichever of them is newer.
function latestConsent() {
  let latest = null;
  let latestAt = -Infinity;
  for (const item of document.querySelectorAll("#consent-log li[data-consent-kind]")) {
    const time = item.querySelector("time");
    const at = time ? Date.parse(time.getAttribute("datetime")) : NaN;
    if (!Number.isNaN(at) && at >= latestAt) { latest = item; latestAt = at; }
  }
  return latest;
}

function showLatestConsent(f, deps) {
  const status = document.getElementById("consent-status");
  const item = latestConsent();
  if (!status || !item || status.dataset.consentOf === item.dataset.captureId) return;
  const html = Render.consentStatus(f, {
    id: item.dataset.captureId,
    visit_id: Number(document.querySelector("[data-visit-id]").dataset.visitId),
    who: item.dataset.who,
    kind: item.dataset.consentKind,
    when: item.querySelector("time").textContent,
  }, deps.csrfToken());
  const fresh = document.createRange().createContextualFragment(html).firstElementChild;
  fresh.removeAttribute("hx-swap-oob");
  status.replaceWith(fresh);
  deps.fillClientIds(fresh);
  if (window.htmx) window.htmx.process(fresh);
}

// Once an answer is logged, the form folds away under the status line; after a
// tap on it, focus goes to that line, which says what was logged.
function settleConsent(moveFocus) {
  const status = document.getElementById("consent-status");
  const ask = document.querySelector("[data-consent-ask]");
  if (!status || !ask || !status.dataset.consentOf) return;
  if (ask.contains(document.activeElement) && !moveFocus) return;
  ask.open = false;
  if (moveFocus) {
    status.setAttribute("tabindex", "-1");
    status.focus();
  }
}

// After the consent section or its log was swapped: the status, then focus on it.
export async function consentChanged(deps) {
  showLatestConsent(await Render.fragments(), deps);
  settleConsent(true);
}

// The debrief page: this phone's latest save (by clock) fills each untouched
// field when it is newer than the save the page was kept with.
export function showDebrief(section, saves) {
  const form = section.querySelector("#debrief-form");
  const latest = saves.sort((a, b) => (a.hlc < b.hlc ? -1 : 1))[saves.length - 1];
  if (!form || latest.hlc <= (section.dataset.debriefHlc || "")) return;
  for (const part of ["takeaways", "open_questions", "words", "heard"]) {
    const field = form.elements.namedItem(part);
    if (field && field.value === field.defaultValue) field.value = latest[part] || "";
  }
  // The list below is the page as it was kept: say where the newer save is.
  const note = section.querySelector("[data-debrief-local]");
  if (note) note.hidden = latest.state === "synced";
}

// The capture markup, filled in: shared by the worker (importScripts), which
// answers a save with it, and by the pages (bundled, loaded on first use),
// which show what this phone holds that a cached page does not. The markup is
// the server's (/sw/fragments.json, design.md §3); every value is escaped.
const Render = (() => {
  const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" }[c]));

  // One pass over the template: `values` are escaped, `raw` are markup we rendered.
  // A name is all the server may put between the %%: a tag's key has hyphens
  // (%%checked_next-step%%), and a name left unfilled would drop that tag.
  function fill(template, values, raw = {}) {
    return template.replace(/%%([\w-]+)%%/g, (whole, name) => (
      name in raw ? raw[name] : name in values ? escapeHtml(values[name]) : whole));
  }

  const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  const when = (row) => ({ iso: new Date(row.saved_at).toISOString(), when: clock(row.saved_at) });

  // The badge "On this phone" / "Synced" / "Not saved: reason".
  function state(f, row) {
    return fill(f.states[row.state] || "", { reason: row.reason || "" });
  }

  const tags = (f, keys) => keys.map((tag) => fill(f.tag, { label: f.labels.tags[tag] })).join("");

  // `row.locked`: someone else's note on a companion's phone, shown without Edit.
  function note(f, row) {
    return fill(row.locked ? f.note_locked : f.note, { id: row.id, ...when(row), author: row.author || "", text: row.text,
      visit: row.visit_id, version: row.version || 1 },
    { tags_html: tags(f, row.tags), sync_state: state(f, row) });
  }

  // The form that changes a note in place (its words, tags, or deletes it).
  function noteEditor(f, row, csrf) {
    const checked = Object.fromEntries(Object.keys(f.labels.tags).map(
      (key) => [`checked_${key}`, row.tags.includes(key) ? " checked" : ""]));
    return fill(f.note_editor, { id: row.id, visit: row.visit_id, version: row.version,
      text: row.text, csrf }, checked);
  }

  // A change of a note the home computer refused: the phone's words, kept in view.
  const unsaved = (f, row) => fill(f.unsaved, { text: row.text });

  function answer(f, row) {
    return fill(f.answer, { id: row.id, text: row.text, author: row.author || "" },
      { sync_state: state(f, row) });
  }

  function consent(f, row) {
    return fill(f.consent_item,
      { id: row.id, ...when(row), who: row.who, kind: row.consent, author: row.author || "",
        kind_text: f.labels.consent[row.consent] },
      { sync_state: state(f, row) });
  }

  // The status line above the log, from its latest event {id, visit_id, who, kind, when}.
  function consentStatus(f, event, csrf) {
    const template = event.kind === "agreed" ? f.consent_status_agreed : f.consent_status_other;
    return fill(template, { id: event.id, visit: event.visit_id, who: event.who, when: event.when,
      kind_text: f.labels.consent[event.kind] || "", csrf });
  }

  function asked(f, row, csrf) {
    const template = row.asked ? f.asked_true : f.asked_false;
    return fill(template, { visit: row.visit_id, question: row.question_id, csrf });
  }

  // The fragment markup, fetched with the shell and kept in the static cache.
  const URL_ = "/sw/fragments.json";
  let loaded = null;
  function fragments() {
    if (!loaded) {
      loaded = (async () => {
        const cached = await caches.match(URL_);
        const response = cached || await fetch(URL_);
        return response.json();
      })().catch((error) => { loaded = null; throw error; });
    }
    return loaded;
  }

  return { fill, clock, state, tags, note, noteEditor, unsaved, answer, consent, consentStatus, asked, fragments };
})();

// Pages bundle this file as a module, where top-level names stay private.
self.AskTwiceRender = Render;

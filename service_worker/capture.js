// Answers the appointment screen's form posts from IndexedDB (design.md §3):
// validate as the server would, store entity + outbox entry in one
// transaction, then answer htmx with a fragment rendered from the markup the
// server provided (/sw/fragments.json), every value escaped.
const Capture = (() => {
  const LONG_TEXT = 10000;
  const ROUTES = [
    [/^\/visits\/(\d+)\/notes$/, note],
    [/^\/visits\/(\d+)\/questions\/([0-9a-f-]{36})\/answers$/, answer],
    [/^\/visits\/(\d+)\/questions\/([0-9a-f-]{36})\/asked$/, asked],
    [/^\/visits\/(\d+)\/consent$/, consent],
    [/^\/visits\/(\d+)\/notes\/([0-9a-f-]{36})\/edit$/, noteEdit],
    [/^\/visits\/(\d+)\/notes\/([0-9a-f-]{36})\/delete$/, noteDelete],
  ];

  function route(url) {
    for (const [pattern, handler] of ROUTES) {
      const match = url.pathname.match(pattern);
      if (match) return (request) => handle(request, handler, match);
    }
    return null;
  }

  // Only our own pages may write into the record (issue 8): a fetch (never a
  // form navigation, which any website can make) from one of our windows,
  // carrying the session's CSRF token both in the X-CSRFToken header, which a
  // cross-site form cannot set, and in the form. Anything else goes to the
  // server, which checks the token itself. Sec-Fetch-* headers are added
  // after the worker, so they cannot be checked here.
  async function fromOwnPage(event) {
    const { request } = event;
    if (request.mode === "navigate" || !event.clientId) return false;
    const client = await self.clients.get(event.clientId);
    if (!client || client.type !== "window" || new URL(client.url).origin !== self.location.origin) {
      return false;
    }
    const header = request.headers.get("X-CSRFToken") || "";
    const field = (await request.clone().formData()).get("csrf_token") || "";
    return Boolean(header) && header === field;
  }

  const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" }[c]));

  // One pass over the template: `values` are escaped, `raw` are markup we rendered.
  function fill(template, values, raw = {}) {
    return template.replace(/%%(\w+)%%/g, (whole, name) => (
      name in raw ? raw[name] : name in values ? escapeHtml(values[name]) : whole));
  }

  const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  const newId = () => (self.crypto.randomUUID ? self.crypto.randomUUID() : String(Date.now()));

  function answerWith(html, target, swap, detail) {
    return new Response(html, {
      status: 200,
      headers: {
        "Content-Type": "text/html; charset=utf-8",
        "HX-Retarget": target,
        "HX-Reswap": swap,
        "HX-Trigger": JSON.stringify({ captured: { message: "Saved on this phone.", ...detail } }),
      },
    });
  }

  // Bad input: nothing stored, the form (and what was typed) stays as it is.
  function refuse(message) {
    return new Response("", {
      status: 422,
      headers: { "HX-Reswap": "none", "HX-Trigger": JSON.stringify({ captureFailed: { message } }) },
    });
  }

  function longText(form, empty) {
    const text = (form.get("text") || "").trim();
    if (!text) return [null, empty];
    if (text.length > LONG_TEXT) return [null, "This is too long to save: please keep it under 10,000 characters."];
    return [text, null];
  }

  const captureId = (form) => {
    const id = form.get("id") || "";
    return /^[0-9a-f-]{36}$/i.test(id) ? id.toLowerCase() : newId();
  };

  async function handle(request, handler, match) {
    const form = await request.formData();
    const fragments = await Fragments.get();
    try {
      return await handler(form, fragments, Number(match[1]), match[2]);
    } catch (error) {
      return refuse("Could not save on this phone. Your text is still here. Please try again.");
    }
  }

  async function note(form, f, visitId) {
    const [text, problem] = longText(form, "Write a note before saving.");
    if (problem) return refuse(problem);
    const tags = form.getAll("tags").filter((tag) => tag in f.labels.tags);
    const id = captureId(form);
    const row = await Outbox.enqueue({ id, kind: "note", visit_id: visitId, text, tags },
      "note.create", { visit_id: visitId, text, tags });
    return answerWith(renderNote(f, row), "#note-list", "afterbegin", { reset: true });
  }

  // An edit or delete names the version the phone showed: if the note moved on
  // meanwhile, the home computer keeps both for the family to choose.
  function baseVersion(form) {
    const version = Number(form.get("base_version"));
    return Number.isInteger(version) && version >= 1 && version <= 2147483647 ? version : null;
  }
  const NOT_FOLLOWED = "This note changed in a way we could not follow. Please reload.";

  async function noteEdit(form, f, visitId, noteId) {
    const [text, problem] = longText(form, "Write a note before saving.");
    if (problem) return refuse(problem);
    const base = baseVersion(form);
    if (!base) return refuse(NOT_FOLLOWED);
    const tags = form.getAll("tags").filter((tag) => tag in f.labels.tags);
    const row = await Outbox.enqueue(
      { id: captureId(form), kind: "note_edit", visit_id: visitId, note_id: noteId, text, tags, version: base + 1 },
      "note.edit", { visit_id: visitId, note_id: noteId, base_version: base, text, tags });
    return answerWith("", "body", "none", { message: "Changed on this phone.", edited: row });
  }

  async function noteDelete(form, f, visitId, noteId) {
    const base = baseVersion(form);
    if (!base) return refuse(NOT_FOLLOWED);
    const row = await Outbox.enqueue(
      { id: captureId(form), kind: "note_delete", visit_id: visitId, note_id: noteId, version: base + 1 },
      "note.delete", { visit_id: visitId, note_id: noteId, base_version: base });
    return answerWith("", "body", "none", { message: "Note deleted on this phone.", deleted: row });
  }

  async function answer(form, f, visitId, questionId) {
    const [text, problem] = longText(form, "Write the answer before saving.");
    if (problem) return refuse(problem);
    const id = captureId(form);
    const row = await Outbox.enqueue({ id, kind: "answer", visit_id: visitId, question_id: questionId, text },
      "answer.create", { visit_id: visitId, question_id: questionId, text });
    return answerWith(renderAnswer(f, row), `#answers-${questionId}`, "beforeend", { reset: true });
  }

  async function asked(form, f, visitId, questionId) {
    const value = form.get("asked") === "true";
    const row = await Outbox.enqueue({ id: newId(), kind: "asked", visit_id: visitId, question_id: questionId, asked: value },
      "question.mark_asked", { visit_id: visitId, question_id: questionId, asked: value });
    const html = renderAsked(f, row, form.get("csrf_token") || "");
    return answerWith(html, `#asked-form-${questionId}`, "outerHTML", { question: questionId, asked: value });
  }

  async function consent(form, f, visitId) {
    const who = (form.get("who") || "").trim();
    const kind = form.get("kind");
    if (!who) return refuse("Write who you asked.");
    if (who.length > 200) return refuse("Please keep this under 200 characters.");
    if (!(kind in f.labels.consent)) return refuse("Choose what they said.");
    const id = captureId(form);
    const row = await Outbox.enqueue({ id, kind: "consent", visit_id: visitId, who, consent: kind },
      "consent.record", { visit_id: visitId, who, kind });
    const status = renderConsentStatus(f, { id: row.id, visit_id: visitId, who, kind, when: clock(row.saved_at) },
      form.get("csrf_token") || "");
    return answerWith(renderConsent(f, row) + status, "#consent-log", "beforeend", { reset: kind !== "withdrawn" });
  }

  const when = (row) => ({ iso: new Date(row.saved_at).toISOString(), when: clock(row.saved_at) });

  // The badge "On this phone" / "Synced" / "Not saved: reason".
  function renderState(f, row) {
    return fill(f.states[row.state] || "", { reason: row.reason || "" });
  }

  const renderTags = (f, tags) => tags.map((tag) => fill(f.tag, { label: f.labels.tags[tag] })).join("");

  function renderNote(f, row) {
    return fill(f.note, { id: row.id, ...when(row), author: row.author || "", text: row.text,
      visit: row.visit_id, version: row.version || 1 },
    { tags_html: renderTags(f, row.tags), sync_state: renderState(f, row) });
  }

  function renderNoteEditor(f, note, csrf) {
    const checked = Object.fromEntries(Object.keys(f.labels.tags).map(
      (key) => [`checked_${key}`, note.tags.includes(key) ? " checked" : ""]));
    return fill(f.note_editor, { id: note.id, visit: note.visit_id, version: note.version,
      text: note.text, csrf }, checked);
  }

  function renderAnswer(f, row) {
    return fill(f.answer, { id: row.id, text: row.text, author: row.author || "" },
      { sync_state: renderState(f, row) });
  }

  function renderConsent(f, row) {
    return fill(f.consent_item,
      { id: row.id, ...when(row), who: row.who, kind: row.consent, author: row.author || "",
        kind_text: f.labels.consent[row.consent] },
      { sync_state: renderState(f, row) });
  }

  // The status line above the log, from its latest event {id, visit_id, who, kind, when}.
  function renderConsentStatus(f, event, csrf) {
    const template = event.kind === "agreed" ? f.consent_status_agreed : f.consent_status_other;
    return fill(template, { id: event.id, visit: event.visit_id, who: event.who, when: event.when,
      kind_text: f.labels.consent[event.kind] || "", csrf });
  }

  function renderAsked(f, row, csrf) {
    const template = row.asked ? f.asked_true : f.asked_false;
    return fill(template, { visit: row.visit_id, question: row.question_id, csrf });
  }

  return { route, fromOwnPage, clock, renderState, renderNote, renderNoteEditor, renderTags,
    renderAnswer, renderConsent, renderConsentStatus, renderAsked };
})();

// The fragment markup, fetched with the shell and kept in the static cache.
const Fragments = (() => {
  const URL_ = "/sw/fragments.json";
  let loaded = null;
  async function get() {
    if (!loaded) {
      loaded = (async () => {
        const cached = await caches.match(URL_);
        const response = cached || await fetch(URL_);
        return response.json();
      })().catch((error) => { loaded = null; throw error; });
    }
    return loaded;
  }
  return { get };
})();

// Pages bundle this file as a module, where top-level names stay private.
self.AskTwiceCapture = { Capture, Fragments };

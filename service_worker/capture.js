// Answers the appointment screen's form posts from IndexedDB (design.md §3):
// validate as the server would, store entity + outbox entry in one
// transaction, then answer htmx with a fragment rendered from the markup the
// server provided (/sw/fragments.json, filled by render.js), every value escaped.
const Capture = (() => {
  const LONG_TEXT = 10000;
  const ROUTES = [
    [/^\/visits\/(\d+)\/notes$/, note],
    [/^\/visits\/(\d+)\/questions\/([0-9a-f-]{36})\/answers$/, answer],
    [/^\/visits\/(\d+)\/questions\/([0-9a-f-]{36})\/asked$/, asked],
    [/^\/visits\/(\d+)\/consent$/, consent],
    [/^\/visits\/(\d+)\/notes\/([0-9a-f-]{36})\/edit$/, noteEdit],
    [/^\/visits\/(\d+)\/notes\/([0-9a-f-]{36})\/delete$/, noteDelete],
    [/^\/visits\/(\d+)\/debrief$/, debrief],
    [/^\/visits\/(\d+)\/recordings$/, recordingStart],
    [/^\/visits\/(\d+)\/recordings\/([0-9a-f-]{36})\/stop$/, recordingStop],
  ];

  // The handler and its URL's values for a capture URL, else null.
  function route(url) {
    for (const [pattern, handler] of ROUTES) {
      const match = url.pathname.match(pattern);
      if (match) return { handler, visitId: Number(match[1]), questionId: match[2] };
    }
    return null;
  }

  // Only our own pages may write into the record (issue 8): a fetch (never a
  // form navigation, which any website can make) from one of our windows,
  // carrying the session's CSRF token both in the X-CSRFToken header, which a
  // cross-site form cannot set, and in the form. Anything else goes to the
  // server, which checks the token itself. Sec-Fetch-* headers are added
  // after the worker, so they cannot be checked here. Asking the browser
  // about a window takes a few milliseconds, so each window is asked about
  // once: its id stays the same for as long as it shows that page.
  const ownWindows = new Set();

  async function isOwnWindow(clientId) {
    if (!clientId) return false;
    if (ownWindows.has(clientId)) return true;
    const client = await self.clients.get(clientId);
    const own = Boolean(client) && client.type === "window" && new URL(client.url).origin === self.location.origin;
    if (own) ownWindows.add(clientId);
    return own;
  }

  function fromOwnPage(request, ownWindow, form) {
    if (request.mode === "navigate" || !ownWindow) return false;
    const header = request.headers.get("X-CSRFToken") || "";
    return Boolean(header) && header === (form.get("csrf_token") || "");
  }

  // Answer a capture post: from IndexedDB when one of our pages sent it, else
  // from the server. The window, the form and the markup are looked up at once,
  // and the form is read once: every millisecond here comes before "Saved".
  async function save(event, found) {
    const { request } = event;
    Outbox.prepare();
    const [ownWindow, form, f] = await Promise.all([
      isOwnWindow(event.clientId),
      request.clone().formData(),
      Render.fragments().catch(() => null),
    ]);
    if (!fromOwnPage(request, ownWindow, form)) return fetch(request);
    try {
      if (!f) throw new Error("no fragments");
      return await found.handler(form, f, found.visitId, found.questionId);
    } catch (error) {
      return refuse("Could not save on this phone. Your text is still here. Please try again.");
    }
  }

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

  // Taken while recording: the recording and how far into it (the page adds both).
  function moment(form) {
    const id = (form.get("recording_id") || "").toLowerCase();
    const offset = Number(form.get("recording_offset_ms"));
    if (!/^[0-9a-f-]{36}$/.test(id) || !Number.isInteger(offset) || offset < 0) return {};
    return { recording_id: id, recording_offset_ms: Math.min(offset, 2147483647) };
  }

  async function note(form, f, visitId) {
    const [text, problem] = longText(form, "Write a note before saving.");
    if (problem) return refuse(problem);
    const tags = form.getAll("tags").filter((tag) => tag in f.labels.tags);
    const id = captureId(form);
    const row = await Outbox.enqueue({ id, kind: "note", visit_id: visitId, text, tags, ...moment(form) },
      "note.create", { visit_id: visitId, text, tags, ...moment(form) });
    return answerWith(Render.note(f, row), "#note-list", "afterbegin", { reset: true });
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

  // A person's debrief: every save kept, the latest by clock shown (webapp/services/debriefs.py).
  const DEBRIEF_PARTS = ["takeaways", "open_questions", "words", "heard"];

  async function debrief(form, f, visitId) {
    const parts = Object.fromEntries(DEBRIEF_PARTS.map((part) => [part, (form.get(part) || "").trim()]));
    if (!DEBRIEF_PARTS.some((part) => parts[part])) return refuse("Write something in at least one box before saving.");
    if (DEBRIEF_PARTS.some((part) => parts[part].length > LONG_TEXT)) {
      return refuse("This is too long to save: please keep it under 10,000 characters.");
    }
    await Outbox.enqueue({ id: captureId(form), kind: "debrief", visit_id: visitId, ...parts },
      "debrief.save", { visit_id: visitId, ...parts });
    return answerWith("", "body", "none", { message: "Saved on this phone." });
  }

  async function answer(form, f, visitId, questionId) {
    const [text, problem] = longText(form, "Write the answer before saving.");
    if (problem) return refuse(problem);
    const id = captureId(form);
    const row = await Outbox.enqueue({ id, kind: "answer", visit_id: visitId, question_id: questionId, text },
      "answer.create", { visit_id: visitId, question_id: questionId, text, ...moment(form) });
    return answerWith(Render.answer(f, row), `#answers-${questionId}`, "beforeend", { reset: true });
  }

  async function asked(form, f, visitId, questionId) {
    const value = form.get("asked") === "true";
    const row = await Outbox.enqueue({ id: newId(), kind: "asked", visit_id: visitId, question_id: questionId, asked: value },
      "question.mark_asked", { visit_id: visitId, question_id: questionId, asked: value, ...moment(form) });
    const html = Render.asked(f, row, form.get("csrf_token") || "");
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
    const status = Render.consentStatus(f, { id: row.id, visit_id: visitId, who, kind, when: Render.clock(row.saved_at) },
      form.get("csrf_token") || "");
    return answerWith(Render.consent(f, row) + status, "#consent-log", "beforeend", { reset: kind !== "withdrawn" });
  }

  // A recording's start and end, as named mutations; its bytes go through uploads.js.
  // The page checked the consent; the home computer checks it again.
  const RECORDING_TYPE = /^audio\/(webm|ogg|mp4)(; ?codecs=[\w.-]{1,30})?$/;
  const json = (body, status = 200) => new Response(JSON.stringify(body), {
    status, headers: { "Content-Type": "application/json" } });

  async function recordingStart(form, f, visitId) {
    const mimeType = form.get("mime_type") || "";
    if (!RECORDING_TYPE.test(mimeType)) return json({ errors: { mime_type: ["This phone records in a format we cannot keep."] } }, 422);
    const id = captureId(form);
    // The agreement the screen showed: the home computer trusts it over the clocks.
    const shown = form.get("consent_id") || "";
    const consent = /^[0-9a-f-]{36}$/i.test(shown) ? { consent_id: shown.toLowerCase() } : {};
    await Outbox.enqueue({ id, kind: "recording", visit_id: visitId, mime_type: mimeType },
      "recording.start", { visit_id: visitId, mime_type: mimeType, ...consent });
    return json({ id });
  }

  async function recordingStop(form, f, visitId, recordingId) {
    const whole = (value) => Math.max(0, Math.min(2147483647, Math.round(Number(value)) || 0));
    let gaps = [];
    try { gaps = JSON.parse(form.get("gaps") || "[]"); } catch (error) { gaps = []; }
    // As the computer takes them: a gap it refused would refuse the whole stop.
    gaps = (Array.isArray(gaps) ? gaps : []).filter((gap) => gap && typeof gap === "object")
      .map((gap) => ({ at_ms: whole(gap.at_ms), length_ms: whole(gap.length_ms) }));
    const reason = form.get("stop_reason");
    const data = { visit_id: visitId, recording_id: recordingId, duration_ms: whole(form.get("duration_ms")),
      chunk_count: whole(form.get("chunk_count")), stop_reason: ["stopped", "withdrawn", "storage_full", "interrupted", "time_limit"].includes(reason) ? reason : "stopped",
      gaps: gaps.slice(0, 1000) };
    if (form.get("withdrawn_at")) data.withdrawn_at = form.get("withdrawn_at");
    await Outbox.enqueue({ id: newId(), kind: "recording_stop", visit_id: visitId, recording_id: recordingId },
      "recording.stop", data);
    return json({ id: recordingId });
  }

  return { route, save };
})();

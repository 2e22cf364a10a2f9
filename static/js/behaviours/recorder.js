// Recording the appointment (issue 13), on the phone, with no signal. Offered
// only while the latest consent entry says they agreed; a withdrawal stops it
// at once and keeps the time. MediaRecorder hands over a chunk every two
// seconds, and each is written to IndexedDB as it arrives (never one big file
// in memory), so a crash or a reload loses at most the last chunk; the page
// found unfinished on the next load is closed as "interrupted". Storage nearly
// full stops it cleanly. The start and stop go through the worker's outbox as
// named mutations; the bytes through service_worker/uploads.js. Notes, answers
// and ticks taken meanwhile carry the recording and the moment.
// Loaded on first use; nothing of the first-load bundle is imported: `deps`
// brings { say, csrfToken, keepAwake }.
import { clockText, forget, free, progressOf, retry, showList as drawList } from "./recording-list.js";

const TIMESLICE_MS = 2000;
const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];
const LOW_ROOM = 25 * 1024 * 1024;
// Speech stays clear at this bitrate, and it bounds what the home computer must keep:
// it takes four hours at up to twice this (webapp/services/storage.py).
const BITS_PER_SECOND = 64_000;
const MAX_RECORDING_MS = 4 * 3600 * 1000;
const MOMENT_PATHS = /\/(notes|answers|asked)$/;
const DB = () => self.AskTwiceDB;

let current = null; // the recording under way on this page
let pressed = null; // the control last pressed: when it goes, focus goes to its successor
let box = null;
let deps = null;
const firstTyped = new WeakMap(); // a form -> the moment its text was begun

const megabytes = (bytes) => `${Math.max(0, Math.round(bytes / 1048576))} MB`;
const agreed = () => Boolean(document.querySelector("#consent-status .consent-state--agreed"));
const withdrawn = () => {
  const items = document.querySelectorAll("#consent-log li[data-consent-kind]");
  return items.length > 0 && items[items.length - 1].dataset.consentKind === "withdrawn";
};

function chooseType() {
  if (!window.MediaRecorder || !MediaRecorder.isTypeSupported) return null;
  return TYPES.find((type) => MediaRecorder.isTypeSupported(type)) || null;
}

function post(url, fields) {
  const body = new FormData();
  body.set("csrf_token", deps.csrfToken());
  for (const [name, value] of Object.entries(fields)) if (value !== null && value !== undefined) body.set(name, value);
  return fetch(url, { method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": deps.csrfToken() } });
}

const save = (meta) => DB().transact(["recordings"], "readwrite", (s) => { s.recordings.put(meta); });

function elapsed(rec) {
  return rec.before + (rec.paused ? 0 : performance.now() - rec.since);
}

// One chunk, with the recording's count and length, in one transaction.
async function keepChunk(rec, blob) {
  const index = rec.meta.chunks;
  const meta = { ...rec.meta, chunks: index + 1, bytes: rec.meta.bytes + blob.size, elapsed_ms: Math.round(elapsed(rec)) };
  try {
    await DB().transact(["blobs", "recordings"], "readwrite", (s) => {
      s.blobs.put({ key: `recording:${meta.id}:${index}`, channel: "recording", owner: meta.id, index, size: blob.size, blob });
      s.recordings.put(meta);
    });
    rec.meta = meta;
  } catch (error) {
    // QuotaExceededError (or any failed write): stop, keep what was written.
    if (!rec.stopping) stop(rec, "storage_full");
  }
}

async function roomLeft() {
  if (!navigator.storage || !navigator.storage.estimate) return Infinity;
  const { usage = 0, quota = Infinity } = await navigator.storage.estimate();
  return quota - usage;
}

function meterLoop(rec, stream) {
  try {
    rec.audio = new AudioContext();
    const analyser = rec.audio.createAnalyser();
    analyser.fftSize = 512;
    rec.audio.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize); // reused: memory stays flat
    const meter = box.querySelector("[data-level]");
    const draw = () => {
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
      meter.value = rec.paused ? 0 : Math.min(1, peak / 64);
      rec.frame = requestAnimationFrame(draw);
    };
    draw();
  } catch (error) { /* no level meter: the recording goes on */ }
}

async function start() {
  if (current) return;
  if (!agreed()) { deps.say("Ask first. Record only after they agree."); return show(); }
  const type = chooseType();
  if (!type || !navigator.mediaDevices) { deps.say("This browser cannot record sound."); return; }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    deps.say("The microphone is off for Ask Twice. Allow it in the browser settings to record.");
    return;
  }
  const id = crypto.randomUUID();
  const shown = document.getElementById("consent-status").dataset.consentOf || "";
  const answer = await post(box.dataset.startUrl, { id, mime_type: type, ...(shown ? { consent_id: shown } : {}) })
    .catch(() => null);
  if (!answer || !answer.ok) {
    stream.getTracks().forEach((track) => track.stop());
    const body = answer ? await answer.json().catch(() => ({})) : {};
    deps.say(Object.values(body.errors || {}).flat()[0] || "Could not start recording. Please try again.");
    return;
  }
  // The agreement it is made under, in the words the screen shows ("Dr Okafor agreed at 10:42.").
  const consent = document.querySelector("#consent-status .consent-state--agreed").textContent.trim();
  const meta = { id, visit_id: Number(box.dataset.visitId), mime_type: type, started_at: Date.now(),
    state: "recording", chunks: 0, bytes: 0, elapsed_ms: 0, gaps: [], stop_sent: false, consent };
  await save(meta);
  const recorder = new MediaRecorder(stream, { mimeType: type, audioBitsPerSecond: BITS_PER_SECOND });
  const rec = current = { meta, recorder, stream, before: 0, since: performance.now(), paused: false,
    writes: Promise.resolve(), hiddenAt: null, stopping: null };
  recorder.addEventListener("dataavailable", (event) => {
    if (event.data && event.data.size) rec.writes = rec.writes.then(() => keepChunk(rec, event.data));
  });
  recorder.start(TIMESLICE_MS);
  meterLoop(rec, stream);
  let ticks = 0;
  rec.timer = setInterval(async () => {
    box.querySelector("[data-timer]").textContent = clockText(elapsed(rec));
    if (!rec.stopping && elapsed(rec) >= MAX_RECORDING_MS) stop(rec, "time_limit");
    if (++ticks % 10 === 0 && !rec.stopping && await roomLeft() < LOW_ROOM) stop(rec, "storage_full");
  }, 500);
  deps.keepAwake(true);
  show();
  showList().catch(() => {});
  deps.say("Recording.");
}

function pause() {
  if (!current || current.paused) return;
  current.recorder.pause();
  current.before = elapsed(current);
  current.paused = true;
  current.meta = { ...current.meta, state: "paused" };
  save(current.meta).catch(() => {});
  show();
  deps.say("Paused.");
}

function resume() {
  if (!current || !current.paused) return;
  current.recorder.resume();
  current.since = performance.now();
  current.paused = false;
  current.meta = { ...current.meta, state: "recording" };
  save(current.meta).catch(() => {});
  show();
  deps.say("Recording again.");
}

const STOPPED = {
  stopped: "Recording stopped. It is kept on this phone.",
  withdrawn: "They withdrew permission: the recording stopped. What was recorded before is kept.",
  time_limit: "The recording stopped at 4 hours, the longest it can be. What was recorded is kept.",
};

function stop(rec, reason = "stopped", withdrawnAt = null) {
  if (!rec || rec.stopping) return rec && rec.stopping;
  const duration = Math.round(elapsed(rec));
  const ended = new Promise((resolve) => rec.recorder.addEventListener("stop", resolve, { once: true }));
  if (rec.recorder.state !== "inactive") rec.recorder.stop(); // at once: the last chunk follows
  rec.stream.getTracks().forEach((track) => track.stop());
  rec.stopping = (async () => {
    await ended;
    await rec.writes;
    clearInterval(rec.timer);
    cancelAnimationFrame(rec.frame);
    if (rec.audio) rec.audio.close().catch(() => {});
    if (rec.hiddenAt !== null) rec.meta.gaps.push(gapUntilNow(rec));
    rec.meta = { ...rec.meta, state: "stopped", stop_reason: reason, duration_ms: duration, elapsed_ms: duration,
      withdrawn_at: withdrawnAt };
    await save(rec.meta).catch(() => {});
    current = null;
    if (reason === "storage_full") {
      deps.say(`This phone is nearly full, so the recording stopped. What was recorded is kept. About ${megabytes(await roomLeft())} left.`);
    } else {
      deps.say(STOPPED[reason] || STOPPED.stopped);
    }
    show();
    await sendStop(rec.meta);
    await showList();
  })();
  return rec.stopping;
}

async function sendStop(meta) {
  const url = box.dataset.stopUrl.replace("00000000-0000-0000-0000-000000000000", meta.id);
  const answer = await post(url, { duration_ms: meta.duration_ms, chunk_count: meta.chunks, stop_reason: meta.stop_reason,
    withdrawn_at: meta.withdrawn_at, gaps: JSON.stringify(meta.gaps) }).catch(() => null);
  if (answer && answer.ok) {
    await save({ ...meta, stop_sent: true });
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "sync-now" });
  }
}

// A recording this page did not finish (a reload, a crash, the browser killed):
// closed with what reached IndexedDB; one whose stop was not yet taken: sent again.
async function finishLeftovers(visitId) {
  for (const meta of await DB().recordingsOfVisit(visitId)) {
    if (current && current.meta.id === meta.id) continue;
    if (meta.state !== "stopped") {
      const closed = { ...meta, state: "stopped", stop_reason: "interrupted", duration_ms: meta.elapsed_ms };
      await save(closed);
      await sendStop(closed);
    } else if (!meta.stop_sent) {
      await sendStop(meta);
    }
  }
}

async function showList() {
  await drawList(box);
  show(); // the box shows once something is listed
}

function show() {
  const ok = agreed();
  // Shown once they agreed (or while something was recorded here): before that the
  // consent section above says to ask first, and the questions stay in view.
  box.hidden = !ok && !current && !box.querySelector("[data-recording-list] li");
  box.querySelector("[data-recorder-ask]").hidden = ok || Boolean(current);
  box.querySelector("[data-recorder-controls]").hidden = !ok && !current;
  const state = current ? (current.paused ? "paused" : "recording") : "idle";
  box.dataset.state = state;
  const buttons = { record: state === "idle", pause: state === "recording", resume: state === "paused", stop: state !== "idle" };
  for (const [name, visible] of Object.entries(buttons)) box.querySelector(`[data-${name}]`).hidden = !visible;
  if (pressed && pressed.hidden) { // the button pressed went: focus its successor
    const next = box.querySelector(state === "idle" ? "[data-record]" : state === "paused" ? "[data-resume]" : "[data-stop]");
    if (!next.hidden) next.focus();
    pressed = null;
  }
  if (state === "idle") {
    box.querySelector("[data-timer]").textContent = "0:00";
    box.querySelector("[data-level]").value = 0;
  }
}

// The moment a note, answer or tick belongs to: when its text was begun, else now.
function addMoment(event) {
  if (!current || !MOMENT_PATHS.test(event.detail.path || "")) return;
  const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
  const at = (form && firstTyped.get(form)) || { id: current.meta.id, ms: elapsed(current) };
  if (at.id !== current.meta.id) return;
  event.detail.parameters.recording_id = current.meta.id;
  event.detail.parameters.recording_offset_ms = String(Math.round(at.ms));
  if (form) firstTyped.delete(form);
}

function onTyping(event) {
  const form = event.target.form;
  if (current && form && !firstTyped.has(form)) firstTyped.set(form, { id: current.meta.id, ms: elapsed(current) });
}

// The phone's clock may be set back meanwhile: a gap is never negative (the
// computer would refuse the whole stop, and the recording would never be whole there).
function gapUntilNow(rec) {
  return { at_ms: rec.hiddenAt.at, length_ms: Math.max(0, Date.now() - rec.hiddenAt.wall) };
}

function onVisibility() {
  if (!current) return;
  if (document.visibilityState === "hidden") {
    current.hiddenAt = { at: Math.round(elapsed(current)), wall: Date.now() };
  } else if (current.hiddenAt) {
    current.meta.gaps.push(gapUntilNow(current));
    current.hiddenAt = null;
    save(current.meta).catch(() => {});
  }
}

// What the consent section says changed (a save, a swap, another phone's entry drawn in).
function onConsentChange(mutations) {
  if (!box || !box.isConnected) return;
  if (mutations.every((m) => box.contains(m.target))) return; // our own list and timer
  if (current && !agreed() && withdrawn()) stop(current, "withdrawn", new Date().toISOString());
  else show();
}

let listening = false;
function listen() {
  if (listening) return;
  listening = true;
  // The tap on "Record that they withdrew" stops the recording before anything is saved.
  document.addEventListener("submit", (event) => {
    if (current && event.target.id === "withdraw-form") stop(current, "withdrawn", new Date().toISOString());
  }, true);
  document.addEventListener("htmx:configRequest", addMoment);
  document.addEventListener("input", onTyping, true);
  document.addEventListener("visibilitychange", onVisibility);
  new MutationObserver(onConsentChange).observe(document.body, { childList: true, subtree: true });
  document.addEventListener("click", (event) => {
    const target = event.target.closest
      && event.target.closest("[data-record], [data-pause], [data-resume], [data-stop], [data-free], [data-forget], [data-retry]");
    if (!target || !box || !box.contains(target)) return;
    pressed = target;
    if (target.hasAttribute("data-record")) start().catch(() => deps.say("Could not start recording. Please try again."));
    else if (target.hasAttribute("data-pause")) pause();
    else if (target.hasAttribute("data-resume")) resume();
    else if (target.hasAttribute("data-stop")) stop(current);
    else if (target.hasAttribute("data-forget")) {
      forget(box, target, deps.say).then((gone) => {
        show();
        if (!gone) return;
        // Focus stays near: the recorder's heading, or the consent step if the recorder went.
        const heading = box.querySelector("h2");
        heading.tabIndex = -1;
        (box.hidden ? document.getElementById("consent") : heading).focus();
      }).catch(() => {});
    }
    else if (target.hasAttribute("data-retry")) retry(box, target.dataset.retry, deps.say).catch(() => {});
    else free(box, target.dataset.free, deps.say).then(show).catch(() => {});
  });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (!event.data || event.data.type !== "upload-status" || !box) return;
      progressOf.set(event.data.owner, event.data.label);
      const region = box.querySelector("[data-upload-progress]");
      if (region) region.textContent = event.data.label;
      showList().catch(() => {});
    });
  }
  // A sync that settled a recording (taken, or refused by the computer) redraws the list.
  document.addEventListener("sync-status", (event) => {
    if (box && (event.detail.changed || []).length) showList().catch(() => {});
  });
  window.addEventListener("pagehide", () => { if (current) current.recorder.requestData(); });
}

export async function recorder(root, given) {
  const found = root.querySelector("[data-recorder]");
  if (!found || found.dataset.ready) return;
  found.dataset.ready = "true";
  box = found;
  deps = given;
  listen();
  show();
  await finishLeftovers(Number(box.dataset.visitId)).catch(() => {});
  await showList();
  box.dataset.loaded = "true";
}

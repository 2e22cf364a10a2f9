// The recordings this phone holds for a visit, each with its state: on this
// phone, how much is sent, sent (then "Free the space on this phone", offered
// only once the computer has it whole), and the agreement it was made under.
// Part of the recorder's chunk (imported by recorder.js only).
const DB = () => self.AskTwiceDB;

export const clockText = (ms) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

function describe(meta, progress, refused) {
  const when = new Date(meta.started_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  const length = clockText(meta.state === "stopped" ? meta.duration_ms || 0 : meta.elapsed_ms || 0);
  if (meta.state !== "stopped") return { text: `Recording since ${when}.`, canFree: false, when };
  let state = "On this phone";
  // The computer did not take it (a withdrawal there came first): it can never be
  // sent, so the family may delete it here, with a second tap.
  if (refused !== undefined) {
    return { text: `Recording at ${when}, ${length}: your computer did not take it. ${refused || ""}`.trim(),
      canFree: false, canForget: true, when };
  }
  if (meta.freed) state = "Sent to your computer. Space freed";
  else if (meta.confirmed) state = "Sent to your computer";
  else if (meta.held) state = `On this phone, not sent. ${meta.held.replace(/\.$/, "")}`;
  else if (progress) state = progress;
  else if (meta.problem) state = `On this phone. ${meta.problem}`;
  const why = { withdrawn: " Stopped when they withdrew.", storage_full: " Stopped: the phone was nearly full.",
    interrupted: " Stopped when the app closed.", time_limit: " Stopped at 4 hours, the longest a recording can be." }[meta.stop_reason] || "";
  const under = meta.consent ? ` Made after: ${meta.consent}` : "";
  return { text: `Recording at ${when}, ${length}: ${state}.${why}${under}`, canFree: meta.confirmed && !meta.freed,
    canRetry: Boolean(meta.held) && !meta.confirmed, when };
}

export const progressOf = new Map(); // recording id -> "Recording 1 of 2: 60% sent"

export async function showList(box) {
  const list = box.querySelector("[data-recording-list]");
  const visitId = Number(box.dataset.visitId);
  const [metas, captures] = await Promise.all([DB().recordingsOfVisit(visitId), DB().capturesOfVisit(visitId)]);
  metas.sort((a, b) => a.started_at - b.started_at);
  const refused = new Map(captures.filter((row) => row.kind === "recording" && row.state === "rejected")
    .map((row) => [row.id, row.reason]));
  list.replaceChildren(...metas.map((meta) => {
    const { text, canFree, canForget, canRetry, when } = describe(meta, progressOf.get(meta.id), refused.get(meta.id));
    const item = document.createElement("li");
    item.className = "recordings__item";
    item.dataset.recordingId = meta.id;
    const words = document.createElement("span");
    words.textContent = text;
    item.append(words);
    if (canFree) item.append(" ", button("free", meta.id, "Free the space on this phone", when));
    if (canForget) item.append(" ", button("forget", meta.id, "Delete it from this phone", when));
    if (canRetry) item.append(" ", button("retry", meta.id, "Try sending again", when));
    return item;
  }));
}

function button(action, id, words, when) {
  const made = document.createElement("button");
  made.type = "button";
  made.className = "button button--secondary button--small";
  made.dataset[action] = id;
  made.textContent = words;
  const which = document.createElement("span");
  which.className = "visually-hidden";
  which.textContent = ` (the recording at ${when})`;
  made.append(which);
  return made;
}

// A recording the computer refused: the first tap asks, the second deletes it here.
export async function forget(box, target, say) {
  if (!target.dataset.sure) {
    target.dataset.sure = "yes";
    target.firstChild.textContent = "Tap again to delete it for good";
    say("Tap again to delete this recording from this phone for good.");
    return false;
  }
  await DB().dropRecording(target.dataset.forget);
  await showList(box);
  say("Recording deleted from this phone.");
  return true;
}

export async function free(box, id, say) {
  await DB().transact(["blobs", "recordings"], "readwrite", async (s) => {
    const meta = await DB().req(s.recordings.get(id));
    if (!meta || !meta.confirmed) return; // never before the computer has it all
    for (const key of await DB().req(s.blobs.index("owner").getAllKeys(id))) s.blobs.delete(key);
    s.recordings.put({ ...meta, freed: true });
  });
  say("Space freed. The recording is on your computer.");
  await showList(box);
}

// A recording the computer would not take (no room there, say): sent again only when
// the family asks, once there is room.
export async function retry(box, id, say) {
  await DB().transact(["recordings"], "readwrite", async (s) => {
    const meta = await DB().req(s.recordings.get(id));
    if (meta) s.recordings.put({ ...meta, held: "" });
  });
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (worker) worker.postMessage({ type: "sync-now" });
  say("Sending the recording again.");
  await showList(box);
}

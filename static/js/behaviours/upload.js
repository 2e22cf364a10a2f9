// A photo or PDF of a record, sent in pieces that resume: the server names the file
// by its SHA-256 and says how much arrived, so after a lost connection only the rest
// is sent. With no connection, a paired phone with its service worker keeps the
// file in IndexedDB (a photo taken with no signal is not lost) and the worker's
// uploader (service_worker/uploads.js) sends it when it can. Without scripts the same form
// sends the file whole. Loaded on first use (a page with such a form); it imports
// nothing the first-load bundle has: `say` comes from the caller.

const PIECE = 256 * 1024;

async function sha256(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// A paired phone keeps the file, then the worker sends it (with no signal: later).
async function keepForLater(form, file, say) {
  const DB = self.AskTwiceDB;
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!DB || !worker || !(await DB.getMeta("device"))) return false;
  const sha = await sha256(file);
  const itemId = Number(form.dataset.item);
  const owner = `attachment:${itemId}:${sha}`;
  await DB.transact(["blobs"], "readwrite", (s) => {
    s.blobs.put({ key: owner, channel: "attachment", owner, index: 0, item_id: itemId, sha256: sha,
      size: file.size, name: file.name || "photo.jpg", blob: file });
  });
  say("Kept on this phone. It goes to your computer when you are connected.");
  form.reset();
  navigator.serviceWorker.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type !== "upload-status" || data.owner !== owner) return;
    say(data.label);
    if (data.confirmed) window.location.reload();
  });
  worker.postMessage({ type: "sync-now" });
  return true;
}

// Send now; true when the file was taken or refused (said), false with no connection.
async function send(form, file, say) {
  const url = form.dataset.resumable.replace("SHA", await sha256(file));
  const headers = { "X-CSRFToken": form.querySelector("[name=csrf_token]").value };
  let offset;
  try {
    offset = (await (await fetch(url)).json()).offset;
  } catch {
    return false;
  }
  for (let failures = 0; offset < file.size && failures < 5;) {
    const query = `?offset=${offset}&size=${file.size}&name=${encodeURIComponent(file.name)}`;
    try {
      const response = await fetch(url + query, { method: "POST", headers,
        body: file.slice(offset, offset + PIECE) });
      const answer = await response.json();
      if (response.status === 422) {
        say(Object.values(answer.errors).flat().join(" "));
        return true;
      }
      if (response.status === 507) {  // no room at home for now: a paired phone keeps it
        if (!(await keepForLater(form, file, say))) say(answer.message);
        return true;
      }
      offset = answer.offset;  // 200: moved on; 409: where the server stands
      failures = 0;
    } catch {
      failures += 1;  // no answer: wait, then ask where it stands
      await new Promise((resolve) => setTimeout(resolve, 1000 * failures));
      offset = await fetch(url).then((r) => r.json()).then((a) => a.offset).catch(() => offset);
    }
  }
  if (offset < file.size) return false;
  window.location.reload();
  return true;
}

// Online: sent at once (its answer said here). With no connection, a paired phone
// keeps it for its uploader; any other browser says to try again.
async function attach(form, file, say) {
  if (navigator.onLine) {
    say("Sending…");
    if (await send(form, file, say)) return;
  }
  if (await keepForLater(form, file, say)) return;
  say("Not sent: no connection. Try again when you have signal.");
}

export function resumableUploads(root, say) {
  if (!window.crypto || !crypto.subtle) return;  // the form sends it whole instead
  for (const form of root.querySelectorAll("form[data-resumable]")) {
    form.addEventListener("submit", (event) => {
      // The file chosen, or the photo just taken (two inputs: one may be empty).
      const file = [...form.querySelectorAll("input[type=file]")].map((input) => input.files[0]).find(Boolean);
      if (!file) return;
      event.preventDefault();
      attach(form, file, say).catch(() => say("Not sent. Please try again."));
    });
  }
}

// Bytes waiting for the home computer (design.md §9.5: one binary channel):
// each chunk of a recording, and each photo of a record taken with no signal,
// is a row of the `blobs` store, written on the phone as it arrives. After every sync (the outbox has
// pushed the mutations the bytes belong to, e.g. recording.start) this asks
// the server which parts it holds and sends only the rest, so a lost
// connection costs at most the part under way; a failure is thrown to the
// outbox's replay, which retries with backoff. Nothing is deleted here until
// the server confirms it whole (or says it was deleted at home).
const Uploads = (() => {
  const { req, transact, refused, dropRecording } = self.AskTwiceDB;
  const TIMEOUT_MS = 60_000;
  const PIECE = 256 * 1024; // a photo goes in pieces: a lost connection costs one
  // Refusals that sending the same part again cannot change (too big, not sound, no
  // room at home): the recording is held on the phone with the message, and sent
  // again only when the family asks ("Try sending again"), never in a loop.
  const HELD = [413, 415, 507];

  // How each kind of blob travels: where to ask what arrived, where to put a part.
  const CHANNELS = {
    recording: {
      state: (owner) => `/api/v1/recordings/${owner}/chunks`,
      part: (owner, index) => `/api/v1/recordings/${owner}/chunks/${index}`,
    },
  };

  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

  function call(device, url, init = {}) {
    return fetch(url, { ...init, credentials: "omit", cache: "no-store",
      headers: { Authorization: `Bearer ${device.token}`, ...(init.headers || {}) },
      signal: AbortSignal.timeout(TIMEOUT_MS) });
  }

  // What is waiting, by owner, without the bytes (a Blob from IndexedDB is a handle).
  async function waiting() {
    const [rows, recordings, gone, turnedAway] = await transact(["blobs", "recordings", "replica", "captures"], "readonly",
      async (s) => {
        const all = await req(s.recordings.getAll());
        return Promise.all([req(s.blobs.getAll()), all,
          req(s.replica.getAll(IDBKeyRange.bound("recording:", "recording:\uffff"))),
          refused(s, all.map((r) => r.id))]);
      });
    const owners = new Map();
    for (const { blob, ...row } of rows) {
      if (turnedAway.has(row.owner)) continue; // refused at home: kept here, never sent
      if (!owners.has(row.owner)) owners.set(row.owner, { channel: row.channel, rows: [] });
      owners.get(row.owner).rows.push(row);
    }
    return { owners, recordings: new Map(recordings.map((r) => [r.id, r])),
      deleted: new Set(gone.filter((row) => row.deleted).map((row) => row.id)) };
  }

  async function note(owner, changes) {
    await transact(["recordings"], "readwrite", async (s) => {
      const row = await req(s.recordings.get(owner));
      if (row) s.recordings.put({ ...row, ...changes });
    });
  }

  async function send(device, owner, { channel, rows }, label) {
    const route = CHANNELS[channel];
    const asked = await call(device, route.state(owner));
    if (asked.status === 404) return note(owner, { problem: "Not on your computer yet." });
    if (!asked.ok) throw new Error(`upload state answered ${asked.status}`);
    const state = await asked.json();
    if (state.deleted) return dropRecording(owner);
    const received = new Set(state.received);
    const total = rows.reduce((sum, row) => sum + row.size, 0) || 1;
    let sent = rows.filter((row) => received.has(row.index)).reduce((sum, row) => sum + row.size, 0);
    let problem = "";
    for (const row of rows.sort((a, b) => a.index - b.index)) {
      if (received.has(row.index)) continue;
      const entry = await transact(["blobs"], "readonly", (s) => req(s.blobs.get(row.key)));
      if (!entry) continue;
      const bytes = await entry.blob.arrayBuffer();
      const answer = await call(device, route.part(owner, row.index), { method: "PUT", body: bytes,
        headers: { "Content-Type": "application/octet-stream", "X-Content-SHA256": hex(await crypto.subtle.digest("SHA-256", bytes)) } });
      if (answer.ok) {
        received.add(row.index);
        sent += row.size;
        await broadcast({ owner, label: `${label}: ${Math.floor((100 * sent) / total)}% sent` });
      } else if (HELD.includes(answer.status)) {
        const body = await answer.json().catch(() => ({}));
        await note(owner, { held: body.message || "Your computer did not take a part of it." });
        return broadcast({ owner, label: "" });
      } else if ([409, 422].includes(answer.status)) {
        const body = await answer.json().catch(() => ({}));
        problem = body.message || "A part of this recording was refused.";
      } else {
        throw new Error(`upload answered ${answer.status}`);
      }
    }
    const after = await (await call(device, route.state(owner))).json();
    const count = after.chunk_count;
    const confirmed = Boolean(after.complete) && rows.every((row) => row.index < count);
    await note(owner, { sent_bytes: sent, confirmed, problem });
    await broadcast({ owner, confirmed, label: confirmed ? `${label}: all sent` : `${label}: ${Math.floor((100 * sent) / total)}% sent` });
  }

  // A record's photo: one file, sent in pieces from where the server stands
  // (webapp/services/attachments.py), then let go: the computer holds it.
  async function sendFile(device, owner, { rows }) {
    const row = rows[0];
    if (row.refused) return;
    const base = `/api/v1/records/${row.item_id}/uploads/${row.sha256}`;
    const asked = await call(device, base);
    if (asked.status === 404) return refuse(row, "This record is no longer on your computer.");
    if (!asked.ok) throw new Error(`upload state answered ${asked.status}`);
    let { offset } = await asked.json();
    const entry = await transact(["blobs"], "readonly", (s) => req(s.blobs.get(row.key)));
    while (offset < row.size) {
      const query = `?offset=${offset}&size=${row.size}&name=${encodeURIComponent(row.name || "")}`;
      const answer = await call(device, base + query, { method: "POST", body: entry.blob.slice(offset, offset + PIECE) });
      const body = await answer.json().catch(() => ({}));
      if (answer.status === 422) return refuse(row, Object.values(body.errors || {}).flat().join(" "));
      // No room at home for now: kept here and sent at a later sync, once space is freed.
      if (answer.status === 507) return broadcast({ owner, label: `Photo not sent yet: ${body.message}` });
      if (!answer.ok && answer.status !== 409) throw new Error(`upload answered ${answer.status}`);
      offset = body.offset;
      await broadcast({ owner, label: `Photo: ${Math.floor((100 * offset) / row.size)}% sent` });
    }
    await transact(["blobs"], "readwrite", (s) => { s.blobs.delete(row.key); });
    await broadcast({ owner, confirmed: true, label: "Photo sent to your computer." });
  }

  // Refused for good (wrong type, too big): kept on the phone, never sent again.
  async function refuse(row, problem) {
    await transact(["blobs"], "readwrite", async (s) => {
      const entry = await req(s.blobs.get(row.key));
      if (entry) s.blobs.put({ ...entry, refused: true, problem });
    });
    await broadcast({ owner: row.owner, label: `Photo not sent: ${problem}` });
  }

  // Run after each sync (Outbox.afterSync): every owner with bytes waiting, in turn.
  async function run(device) {
    const { owners, recordings, deleted } = await waiting();
    for (const id of deleted) if (owners.has(id) || recordings.has(id)) await dropRecording(id);
    // Confirmed whole already: the bytes wait only for the family to free the space.
    // Held (refused at home for good): they wait for the family to ask again.
    const queue = [...owners].filter(([owner, group]) => {
      const meta = recordings.get(owner) || {};
      return group.channel === "recording" && !deleted.has(owner) && !meta.confirmed && !meta.held;
    });
    // One that fails (a fault at home, say) must not hold up the others: each is
    // tried, and the first failure is thrown afterwards, so the sync retries later.
    let failure = null;
    const attempt = (sending) => sending.catch((error) => { failure = failure || error; });
    for (const [owner, group] of owners) {
      if (group.channel === "attachment") await attempt(sendFile(device, owner, group));
    }
    let n = 0;
    for (const [owner, group] of queue) {
      n += 1;
      await attempt(send(device, owner, group, `Recording ${n} of ${queue.length}`));
    }
    if (failure) throw failure;
  }

  async function broadcast(detail) {
    for (const client of await self.clients.matchAll({ includeUncontrolled: true })) {
      client.postMessage({ type: "upload-status", ...detail });
    }
  }

  return { run };
})();

Outbox.afterSync(Uploads.run);

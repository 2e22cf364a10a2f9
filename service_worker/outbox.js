// The outbox, after Workbox's Queue: FIFO in IndexedDB, one entry per named
// mutation (never a raw form POST). docs/sync-protocol.md is the contract.
//   1. A capture is ONE transaction: the entity, its outbox entry, the next
//      seq and the clock reading; only then may the page say "Saved on this phone".
//      The worker keeps the seq and the clock in memory too, to read less then.
//   2. Replay pushes entries in seq order and deletes one only when the
//      server's last_applied_seq covers it; a rejection is kept on the capture.
//   3. A 409 tells the seq the server expects: entries below it were applied
//      (their answer was lost), or the device is new and the outbox renumbers.
//   4. Failures retry with backoff; replay also runs on start-up, on focus, on
//      `online` and on Background Sync where the browser has it.
//   2b. Items another person typed on this phone before it was paired again wait
//      out of the outbox until this person sends them as theirs (holdOthers).
//   5. Pull keeps every row the server sends in the replica store (tombstones
//      delete), marks what the server holds as synced (a note changed in two
//      places as waiting to be settled at home), moves the cursor and keeps
//      the list of visits to make ready (ready.js).
const Outbox = (() => {
  const { req, transact, getMeta, setMeta, pendingCount, forget } = self.AskTwiceDB;
  const BATCH = 100;
  let running = null;
  let failures = 0;
  let retryTimer = null;
  let again = false;
  const REQUEST_TIMEOUT_MS = 30_000; // a hung request must not hold every later sync

  const meta = async (stores, key, fallback) => {
    const row = await req(stores.meta.get(key));
    return row ? row.value : fallback;
  };

  function randomNode() {
    return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Hybrid logical clock: later than the last reading and than the wall clock.
  function nextHlc(previous, node) {
    let wall = Date.now();
    let counter = 0;
    if (previous) {
      const [ms, count] = previous.split("-").map(Number);
      if (ms >= wall) { wall = ms; counter = count + 1; }
    }
    return `${String(wall).padStart(13, "0")}-${String(counter).padStart(4, "0")}-${node}`;
  }

  // 1. The seq, the node and the clock reading stay in the worker's memory once
  // read (only this worker writes them, and renumber() forgets them), so the
  // capture's transaction only writes (the author is read beforehand, see
  // prepare). Each capture takes its seq as its transaction starts, and
  // readwrite transactions over the same stores run in the order they start:
  // seqs are stored in the order they are taken.
  let counters = null; // { seq, node, hlc } as stored, once read
  // The author, read while the worker reads the form (prepare), so that the
  // capture's own transaction only writes: one round trip less before "Saved".
  let authorRead = null;
  function prepare() {
    authorRead = getMeta("device", null).then((device) => (device && device.author) || "", () => null);
  }

  async function enqueue(capture, op, data) {
    const preread = authorRead;
    authorRead = null;
    const knownAuthor = preread ? await preread : null;
    const row = await transact(["meta", "captures", "outbox"], "readwrite", async (s) => {
      const deviceRead = knownAuthor === null ? meta(s, "device", null) : null;
      if (!counters) {
        const [seq, node, hlc] = await Promise.all(
          [meta(s, "nextSeq", 1), meta(s, "node", null), meta(s, "hlc", null)]);
        counters = counters || { seq, node: node || randomNode(), hlc };
        if (!node) s.meta.put({ key: "node", value: counters.node });
      }
      const seq = counters.seq;
      const hlc = nextHlc(counters.hlc, counters.node);
      counters.seq = seq + 1;
      counters.hlc = hlc;
      s.meta.put({ key: "nextSeq", value: seq + 1 });
      s.meta.put({ key: "hlc", value: hlc });
      // The author is this phone's person, as its device registration said.
      const device = deviceRead && await deviceRead;
      const author = knownAuthor === null ? (device && device.author) || "" : knownAuthor;
      const stored = { ...capture, author, seq, hlc, state: "local", saved_at: Date.now() };
      s.captures.put(stored);
      s.outbox.put({ seq, op, id: capture.id, hlc, data });
      return stored;
    }).catch((error) => {
      counters = null; // not stored: read them again next time
      throw error;
    });
    return row;
  }

  // After a capture has been answered: sync a moment later, once for a burst
  // of taps, so the sync never competes with the next "Saved on this phone".
  const AFTER_CAPTURE_MS = 400;
  let soon = null;
  function afterCapture() {
    soon = soon || new Promise((resolve) => setTimeout(resolve, AFTER_CAPTURE_MS)).then(() => {
      soon = null;
      if (self.registration && self.registration.sync) {
        self.registration.sync.register("outbox").catch(() => {});
      }
      return replay();
    }).catch(() => {});
    return soon;
  }

  async function api(path, device, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${device.token}` },
      body: JSON.stringify({ device_id: device.device_id, ...body }),
      credentials: "omit",
      cache: "no-store",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }

  // 2.
  async function acknowledge(lastApplied, rejections) {
    const rejected = new Map(rejections.map((r) => [r.seq, r.message]));
    const changed = [];
    await transact(["captures", "outbox"], "readwrite", async (s) => {
      const entries = await req(s.outbox.getAll(IDBKeyRange.upperBound(lastApplied)));
      for (const entry of entries) {
        s.outbox.delete(entry.seq);
        const capture = await req(s.captures.get(entry.id));
        if (!capture) continue;
        capture.state = rejected.has(entry.seq) ? "rejected" : "synced";
        capture.reason = rejected.get(entry.seq) || "";
        s.captures.put(capture);
        changed.push({ id: capture.id, state: capture.state, reason: capture.reason });
      }
    });
    return changed;
  }

  // 3. The device is new to the server: number the waiting entries from `expected`.
  async function renumber(expected) {
    counters = null;
    await transact(["meta", "captures", "outbox"], "readwrite", async (s) => {
      const entries = await req(s.outbox.getAll());
      s.outbox.clear();
      entries.forEach((entry, index) => {
        s.outbox.put({ ...entry, seq: expected + index });
      });
      s.meta.put({ key: "nextSeq", value: expected + entries.length });
    });
  }

  async function pushAll(device) {
    const changed = [];
    for (let round = 0; round < 1000; round++) {
      const entries = await transact(["outbox"], "readonly", (s) => req(s.outbox.getAll(null, BATCH)));
      if (!entries.length) return changed;
      const response = await api("/api/v1/sync/push", device, { schema_version: 1, mutations: entries });
      if (response.status === 401) await refused(response);
      const body = await response.json().catch(() => ({}));
      if (response.status === 409 && Number.isInteger(body.expected_seq)) {
        if (body.expected_seq > entries[0].seq) changed.push(...await acknowledge(body.expected_seq - 1, []));
        else await renumber(body.expected_seq);
        continue;
      }
      if (!response.ok) throw new Error(`push answered ${response.status}`);
      changed.push(...await acknowledge(body.last_applied_seq, body.rejections || []));
    }
    return changed;
  }

  // A 401: the outbox stays, the phone must be paired (or signed in) again. Removed
  // at home, it forgets the family's things at once (design.md §5), keeping its lock
  // (which hides what stays) and that it was removed: the worker then answers every
  // page with the phone's own page (guard.js). Always throws.
  async function refused(response) {
    const body = await response.json().catch(() => ({}));
    if (body.code === "phone_removed") {
      await forget(false, ["lock"]);
      await setMeta("removed", { at: Date.now() });
      throw new Error("removed");
    }
    await setMeta("device", null);
    await setMeta("unpaired", true);
    throw new Error("unauthorized");
  }

  // 5. The pull also says what waits here, for "Remove" at home to tell.
  async function pull(device) {
    const cursor = await getMeta("cursor", null);
    const response = await api("/api/v1/sync/pull", device, { cursor, pending: await pendingCount() });
    if (response.status === 401) await refused(response);
    if (!response.ok) throw new Error(`pull answered ${response.status}`);
    const body = await response.json();
    const changed = [];
    const visits = new Set(); // the visits whose rows changed: a screen showing one redraws
    await transact(["meta", "captures", "replica"], "readwrite", async (s) => {
      if (body.reset) s.replica.clear();
      const notes = new Map(); // note id -> { visit, conflict }
      for (const change of body.changes) {
        const visitId = await keep(s.replica, change);
        if (visitId) visits.add(visitId);
        if (visitId && change.entity === "note") {
          notes.set(change.id, { visit: visitId, conflict: !change.deleted && Boolean(change.data.conflict) });
        }
        const capture = await req(s.captures.get(change.id));
        if (capture && !change.deleted && capture.state === "local") {
          capture.state = "synced";
          s.captures.put(capture);
          changed.push({ id: capture.id, state: "synced", reason: "" });
        }
      }
      changed.push(...await noteStates(s.captures, notes));
      s.meta.put({ key: "cursor", value: body.cursor });
      // The visits to keep ready for use with no signal (ready.js runs after the sync).
      if (body.keep) s.meta.put({ key: "keep", value: body.keep });
      s.meta.put({ key: "lastSync", value: Date.now() });
    });
    return { changed, visits: [...visits] };
  }

  // This phone's notes, edits and deletes the home computer holds say what it says
  // of their note: synced, or changed in two places and waiting to be settled there
  // (docs/sync-protocol.md, Conflicts). What waits to be sent, or was refused, stays so.
  const NOTE_KINDS = ["note", "note_edit", "note_delete"];
  async function noteStates(captures, notes) {
    const changed = [];
    for (const visitId of new Set([...notes.values()].map((note) => note.visit))) {
      for (const capture of await req(captures.index("visit_id").getAll(visitId))) {
        const note = NOTE_KINDS.includes(capture.kind) && notes.get(capture.note_id || capture.id);
        const state = note && (note.conflict ? "conflict" : "synced");
        if (!state || !["synced", "conflict"].includes(capture.state) || capture.state === state) continue;
        capture.state = state;
        captures.put(capture);
        changed.push({ id: capture.id, state, reason: "" });
      }
    }
    return changed;
  }

  // The phone's copy of what the home computer holds. A tombstone marks the row
  // it had as deleted, so a kept page that still shows it can hide it. Returns
  // the row's visit id, when it has one.
  async function keep(replica, change) {
    const key = `${change.entity}:${change.id}`;
    if (!change.deleted) {
      replica.put({ key, entity: change.entity, id: change.id, visit_id: change.data.visit_id, data: change.data });
      return change.data.visit_id;
    }
    const kept = await req(replica.get(key));
    if (kept) replica.put({ ...kept, deleted: true });
    return kept && kept.visit_id;
  }

  async function broadcast(extra = {}) {
    const [held, device] = await Promise.all([getMeta("held", []), getMeta("device", null)]);
    const status = {
      type: "sync-status",
      pending: await pendingCount(),
      lastSync: await getMeta("lastSync", null),
      held: held.length ? { count: held.length, authors: [...new Set(held.map((item) => item.author))],
        me: (device && device.author) || "" } : null,
      ...extra,
    };
    for (const client of await self.clients.matchAll({ includeUncontrolled: true })) {
      client.postMessage(status);
    }
    return status;
  }

  // What runs after each push and pull, in the same retry (uploads.js sends bytes).
  const afterSyncHooks = [];
  const afterSync = (hook) => { afterSyncHooks.push(hook); };

  const unpairedWhy = async () => {
    if (await getMeta("removed", null)) return { error: "removed" };
    return (await getMeta("unpaired", false)) ? { error: "unauthorized" } : {};
  };

  // A phone paired again (or signed in) as another person still holds what the last
  // person typed here. The home computer writes whatever a device sends as that device's
  // person's, so those items leave the outbox and wait (meta "held") until this person
  // says to send them as theirs (`sendHeld`): no one's words go out under another name
  // unasked, none are lost, and this person's own items are not held up behind them.
  async function holdOthers(device) {
    if (!device.author) return;
    await transact(["meta", "captures", "outbox"], "readwrite", async (s) => {
      const held = await meta(s, "held", []);
      const before = held.length;
      for (const entry of await req(s.outbox.getAll())) {
        const capture = await req(s.captures.get(entry.id));
        if (!capture || !capture.author || capture.author === device.author) continue;
        held.push({ entry, author: capture.author });
        s.outbox.delete(entry.seq);
      }
      if (held.length > before) s.meta.put({ key: "held", value: held });
    });
  }

  // "Send them as mine": back in the outbox after what waits there, under this person;
  // then sync.
  async function sendHeld() {
    const device = await getMeta("device", null);
    if (!device || !device.author) return replay();
    counters = null;
    await transact(["meta", "captures", "outbox"], "readwrite", async (s) => {
      const held = await meta(s, "held", []);
      let seq = await meta(s, "nextSeq", 1);
      for (const { entry } of held) {
        s.outbox.put({ ...entry, seq });
        seq += 1;
        const capture = await req(s.captures.get(entry.id));
        if (capture) s.captures.put({ ...capture, author: device.author });
      }
      s.meta.put({ key: "nextSeq", value: seq });
      s.meta.delete("held");
    });
    return replay();
  }

  async function run() {
    const device = await getMeta("device", null);
    if (!device) return broadcast(await unpairedWhy());
    await holdOthers(device);
    const changed = await pushAll(device);
    const pulled = await pull(device);
    changed.push(...pulled.changed);
    failures = 0;
    // Said before the bytes go: a failed upload must not hide what was synced.
    await broadcast({ changed, visits: pulled.visits, reached: true });
    for (const hook of afterSyncHooks) await hook(device); // a failure retries, as any
    // Not "reached" again: the connection may have gone while the hooks ran (the
    // ready pass lets a page that got no answer go), and the bar would say
    // "Everything is synced" with no signal.
    return broadcast();
  }

  // No answer from the home computer at all: no signal, a timeout, or a proxy
  // in front of it saying it is down. Any other answer means it is there.
  const unreachable = (error) => ["TypeError", "TimeoutError", "AbortError"].includes(error.name)
    || /answered 50[234]$/.test(error.message);

  // 4.
  function replay() {
    if (running) {
      again = true; // something may have been saved after this run last looked
      return running;
    }
    again = false;
    running = run()
      .catch(async (error) => {
        failures += 1;
        clearTimeout(retryTimer);
        const delay = Math.min(60_000, 1000 * 2 ** Math.min(failures, 6));
        retryTimer = setTimeout(() => replay().catch(() => {}), delay);
        await broadcast({ error: String(error.message || error), unreachable: unreachable(error) });
        throw error;
      })
      .finally(() => {
        running = null;
        // Asked again while this run went (a tap on "Sync now", the connection back,
        // a capture): once more at once, even after a failure, which may have been
        // the lost connection that ask is about. (Left to the backoff, a phone back
        // online waited up to a minute to sync, and a removed one to learn it.)
        if (again) replay().catch(() => {});
      });
    return running;
  }

  return { prepare, enqueue, replay, broadcast, afterCapture, afterSync, sendHeld };
})();

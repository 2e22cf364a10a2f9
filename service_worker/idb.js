// IndexedDB as promises, shared by the service worker and the pages (a classic
// script: the worker loads it with importScripts, pages with a script tag).
// One database: meta (device, clocks, cursors), captures (what this phone
// saved, with its sync state), outbox (named mutations by seq), replica
// (what the home computer holds for this phone's person: every device's notes,
// answers, ticks and consent entries, as pull last said) and drafts (text
// typed but not yet saved, written as it is typed: a store of its own, so
// that writing a draft never holds up a capture's transaction), recordings
// (each recording made on this phone: its state, length, chunks, what was
// sent) and blobs (bytes waiting to go to the home computer, one entry a
// chunk or file, written as they arrive: service_worker/uploads.js sends them).
(function (scope) {
  const NAME = "ask-twice";
  // Each version's step, run in order from the version a phone has: an
  // update never drops what a phone holds (its outbox above all).
  const MIGRATIONS = [
    null,
    (db) => {
      db.createObjectStore("meta", { keyPath: "key" });
      db.createObjectStore("captures", { keyPath: "id" }).createIndex("visit_id", "visit_id");
      db.createObjectStore("outbox", { keyPath: "seq" });
    },
    (db, tx) => {
      db.createObjectStore("replica", { keyPath: "key" }).createIndex("visit_id", "visit_id");
      // Pull fills the replica from the start: a full pull on the next sync.
      tx.objectStore("meta").delete("cursor");
    },
    (db, tx) => {
      // Entities are named by their wire names now ("question", "consent"), no
      // longer their tables': refill the replica under the new names.
      tx.objectStore("replica").clear();
      tx.objectStore("meta").delete("cursor");
    },
    (db, tx) => {
      // Drafts were kept in meta as "draft:<visit>:<field>": they move, keys and all.
      const drafts = db.createObjectStore("drafts", { keyPath: "key" });
      const meta = tx.objectStore("meta");
      meta.openCursor(IDBKeyRange.bound("draft:", "draft:\uffff")).onsuccess = (event) => {
        const cursor = event.target.result;
        if (!cursor) return;
        drafts.put(cursor.value);
        cursor.delete();
        cursor.continue();
      };
    },
    (db) => {
      // Recordings (issue 13), and the generic store of bytes waiting to be sent.
      db.createObjectStore("recordings", { keyPath: "id" }).createIndex("visit_id", "visit_id");
      db.createObjectStore("blobs", { keyPath: "key" }).createIndex("owner", "owner");
    },
  ];
  const VERSION = MIGRATIONS.length - 1;
  let opening = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(NAME, VERSION);
        request.onupgradeneeded = (event) => {
          for (let version = event.oldVersion + 1; version <= VERSION; version++) {
            MIGRATIONS[version](request.result, request.transaction);
          }
        };
        request.onsuccess = () => {
          const db = request.result;
          db.onversionchange = () => { db.close(); opening = null; };
          resolve(db);
        };
        request.onerror = () => { opening = null; reject(request.error); };
      });
    }
    return opening;
  }

  const req = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

  // Run fn(stores) in one transaction. Resolves with fn's result only once the
  // transaction has committed: "saved" must never be said before that.
  async function transact(names, mode, fn) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(names, mode);
      const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
      let result;
      Promise.resolve(fn(stores)).then(
        (value) => { result = value; },
        (error) => { try { tx.abort(); } catch (_) { /* already finished */ } reject(error); },
      );
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("The save was cancelled."));
    });
  }

  async function getMeta(key, fallback = null) {
    const row = await transact(["meta"], "readonly", (s) => req(s.meta.get(key)));
    return row ? row.value : fallback;
  }

  const setMeta = (key, value) => transact(["meta"], "readwrite", (s) => { s.meta.put({ key, value }); });

  const setDraft = (key, value) => transact(["drafts"], "readwrite", (s) => {
    if (value) s.drafts.put({ key, value }); else s.drafts.delete(key);
  });

  // Every draft whose key starts with `prefix`, as a Map of key to value.
  const draftsOf = (prefix) => transact(["drafts"], "readonly",
    (s) => req(s.drafts.getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`))))
    .then((rows) => new Map(rows.map((row) => [row.key, row.value])));

  const capturesOfVisit = (visitId) => transact(["captures"], "readonly",
    (s) => req(s.captures.index("visit_id").getAll(visitId)));

  // What is not on the home computer yet: the outbox's entries, each recording
  // with sound it does not hold whole, and each photo waiting (the "not yet
  // synced" count, and what "Sign out and wipe" warns about).
  // The recordings (by id) whose start the home computer refused (a withdrawal there
  // came first): never sent, so never "not yet synced"; the family may delete them.
  async function refused(s, ids) {
    const rows = await Promise.all(ids.map((id) => req(s.captures.get(id))));
    return new Set(rows.filter((row) => row && row.state === "rejected").map((row) => row.id));
  }

  // A recording and its sound gone from this phone (deleted at home, or refused there
  // and deleted by the family): one transaction, so no chunk outlives its recording.
  const dropRecording = (id) => transact(["blobs", "recordings"], "readwrite", async (s) => {
    for (const key of await req(s.blobs.index("owner").getAllKeys(id))) s.blobs.delete(key);
    s.recordings.delete(id);
  });

  // Items another person typed here before the phone was paired again wait in meta "held".
  const pendingCount = () => transact(["outbox", "blobs", "recordings", "captures", "meta"], "readonly", async (s) => {
    const [entries, photos, recordings, held] = await Promise.all([req(s.outbox.count()),
      req(s.blobs.count(IDBKeyRange.bound("attachment:", "attachment:\uffff"))), req(s.recordings.getAll()),
      req(s.meta.get("held"))]);
    const waiting = recordings.filter((r) => r.chunks > 0 && !r.confirmed && !r.freed);
    const turnedAway = await refused(s, waiting.map((r) => r.id));
    return entries + (held ? held.value.length : 0) + photos + waiting.filter((r) => !turnedAway.has(r.id)).length;
  });

  const replicaOfVisit = (visitId) => transact(["replica"], "readonly",
    (s) => req(s.replica.index("visit_id").getAll(visitId)));

  const recordingsOfVisit = (visitId) => transact(["recordings"], "readonly",
    (s) => req(s.recordings.index("visit_id").getAll(visitId)));

  // The blobs of one owner (a recording), without their bytes: index, size, sent.
  const blobsOf = (owner) => transact(["blobs"], "readonly",
    (s) => req(s.blobs.index("owner").getAll(owner)))
    .then((rows) => rows.map(({ blob, ...rest }) => rest));

  // The meta keys a phone keeps on signing out: how the outbox numbers what waits, and
  // what another person typed here waiting to be sent (outbox.js, holdOthers).
  const KEPT_META = ["nextSeq", "node", "hlc", "held"];

  // Signing out (design.md §5): forget this phone's copy of the family's things.
  // Everything (sign out and wipe): our caches and the whole database. Else only
  // this person's items not yet synced stay, with what sending them needs: the
  // outbox, the captures the home computer does not hold (a refused one's words
  // are nowhere else), recordings not sent whole and their bytes, photos waiting,
  // this person's drafts and the outbox's numbering. The replica (others' data),
  // others' drafts (typed under another person's sign-in on this phone), the pages
  // and the device's token go; so do the other meta keys, but those in `keep`.
  async function forget(everything, keep = []) {
    for (const name of await caches.keys()) {
      if (name.startsWith(NAME) && (everything || !name.startsWith(`${NAME}-static-`))) {
        await caches.delete(name);
      }
    }
    if (everything) {
      // Open connections close themselves on the version change (see open()).
      return new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(NAME);
        request.onsuccess = request.onerror = request.onblocked = resolve;
      });
    }
    return transact(["meta", "captures", "replica", "recordings", "blobs", "drafts"], "readwrite", async (s) => {
      s.replica.clear();
      const [meta, captures, recordings, device, drafts] = await Promise.all([req(s.meta.getAllKeys()),
        req(s.captures.getAll()), req(s.recordings.getAll()), req(s.meta.get("device")), req(s.drafts.getAll())]);
      const person = device && device.value && device.value.author;
      // A draft from before drafts said whose they were stays: it may be this person's words.
      for (const { key, value } of drafts) if (person && value.author && value.author !== person) s.drafts.delete(key);
      for (const key of meta) if (!KEPT_META.includes(key) && !keep.includes(key)) s.meta.delete(key);
      // A change waiting to be settled at home is held there too.
      for (const row of captures) if (["synced", "conflict"].includes(row.state)) s.captures.delete(row.id);
      for (const recording of recordings.filter((r) => r.confirmed || r.freed)) {
        for (const key of await req(s.blobs.index("owner").getAllKeys(recording.id))) s.blobs.delete(key);
        s.recordings.delete(recording.id);
      }
    });
  }

  scope.AskTwiceDB = { NAME, VERSION, req, transact, getMeta, setMeta, setDraft, draftsOf,
    capturesOfVisit, replicaOfVisit, pendingCount, recordingsOfVisit, blobsOf, refused, dropRecording,
    forget };
})(self);

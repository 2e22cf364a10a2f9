// IndexedDB as promises, shared by the service worker and the pages (a classic
// script: the worker loads it with importScripts, pages with a script tag).
// One database, three stores: meta (device, clocks, cursors), captures (what
// this phone saved, with its sync state) and outbox (named mutations by seq).
(function (scope) {
  const NAME = "ask-twice";
  const VERSION = 1;
  let opening = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(NAME, VERSION);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore("meta", { keyPath: "key" });
          db.createObjectStore("captures", { keyPath: "id" }).createIndex("visit_id", "visit_id");
          db.createObjectStore("outbox", { keyPath: "seq" });
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

  const capturesOfVisit = (visitId) => transact(["captures"], "readonly",
    (s) => req(s.captures.index("visit_id").getAll(visitId)));

  const pendingCount = () => transact(["outbox"], "readonly", (s) => req(s.outbox.count()));

  scope.AskTwiceDB = { req, transact, getMeta, setMeta, capturesOfVisit, pendingCount };
})(self);

// Visits kept ready for use with no signal (issue 24). After each sync, the
// pages of every visit the pull named in `keep` (a week back to a fortnight
// ahead, the ones this person may see) are fetched into the page cache, and
// the kept pages of any other visit are dropped, so a year of visits takes no
// more room than three weeks of them. "Get ready for this visit" runs the same
// keep() for its one visit. What this phone has not synced lives in IndexedDB
// (captures, outbox, recordings): nothing here touches it.
const Ready = (() => {
  const { req, transact, getMeta, setMeta } = self.AskTwiceDB;
  const VISIT_PAGE = /^\/visits\/(\d+)(?:\/|$)/;
  // A visit made ready this recently is not fetched again on every sync (each
  // capture syncs): its pages change at home far less often than that.
  const FRESH_MS = 15 * 60_000;
  // The pass runs inside the sync (Outbox.afterSync): a page that never answers
  // must not hold every later sync, such as the one that learns the phone was removed.
  const PAGE_TIMEOUT_MS = 10_000;
  const page = (url) => fetch(url, { credentials: "same-origin", signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
  let names = null; // the caches and the shell, from sw.js
  // Whether kept pages changed since the home screen was last kept, and when that was.
  let changed = true;
  let homeKeptAt = 0;

  function use(given) { names = given; }

  // A pass after a sync and a tap on "Get ready" run one at a time: a pass that
  // read the ready records before a tap kept its visit would drop the pages
  // the tap had just kept, and the visit would say ready with nothing kept.
  let turn = Promise.resolve();
  function inTurn(work) {
    const done = turn.then(work);
    turn = done.catch(() => {});
    return done;
  }

  // Signing out (or wiping) while the pass runs must leave nothing behind: it
  // deletes the device record (wiping: the whole database, which a look at it
  // would make again), so look before each thing kept, and stop there.
  const SIGNED_OUT = new Error("signed out");
  async function stillSignedIn() {
    const { NAME } = self.AskTwiceDB;
    if (indexedDB.databases && !(await indexedDB.databases()).some((db) => db.name === NAME)) throw SIGNED_OUT;
    if (!(await getMeta("device", null))) throw SIGNED_OUT;
  }

  // One visit's pages, all fetched before any is kept: ready means every one.
  // `tapped`: made ready by "Get ready", so kept until a week after its day
  // even when the sync's window does not reach it yet.
  async function keepVisit(visit, pages, tapped, byHand) {
    const fetched = [];
    for (const url of visit.pages) {
      const response = await page(url);
      if (!response.ok || response.redirected) throw new Error(`${url} answered ${response.status}`);
      fetched.push([url, response]);
    }
    if (!byHand) await stillSignedIn(); // a tap comes from a signed-in page
    for (const [url, response] of fetched) await pages.put(url, response);
    const ready = { at: Date.now(), day: visit.day || null, tapped };
    await setMeta(`ready:${visit.id}`, ready);
    return ready;
  }

  // Make these visits ready (the app's shell too); `force` fetches fresh ones
  // again. Returns each visit's ready record, or its error.
  async function keep(visits, force = false) {
    if (!force) await stillSignedIn();
    const statics = await caches.open(names.statics);
    for (const url of names.shell) if (!(await statics.match(url))) await statics.add(url);
    const pages = await caches.open(names.pages);
    const results = {};
    for (const visit of visits) {
      const ready = await getMeta(`ready:${visit.id}`, null);
      const fresh = ready && ready.day === visit.day && Date.now() - ready.at < FRESH_MS;
      try {
        if (fresh && !force) {
          results[visit.id] = ready;
          continue;
        }
        results[visit.id] = await keepVisit(visit, pages, force || Boolean(ready && ready.tapped), force);
        changed = true;
      } catch (error) {
        if (error === SIGNED_OUT) throw error;
        results[visit.id] = { error: String(error.message || error) }; // the next sync tries again
      }
    }
    return results;
  }

  // A week ago, as the ISO day the pull's `day` is written in.
  function weekAgo() {
    const day = new Date(Date.now() - 7 * 24 * 60 * 60 * 1000);
    return [day.getFullYear(), day.getMonth() + 1, day.getDate()]
      .map((n) => String(n).padStart(2, "0")).join("-");
  }

  // Forget every visit but these and the ones "Get ready" was tapped for (until
  // a week after their day): their kept pages and their ready records.
  async function dropAllBut(ids) {
    const since = weekAgo();
    await transact(["meta"], "readwrite", async (s) => {
      const rows = await req(s.meta.getAll(IDBKeyRange.bound("ready:", "ready:\uffff")));
      for (const { key, value } of rows) {
        const id = Number(key.slice("ready:".length));
        if (ids.has(id)) continue;
        if (value && value.tapped && (!value.day || value.day >= since)) ids.add(id);
        else s.meta.delete(key);
      }
    });
    const other = (path) => {
      const found = VISIT_PAGE.exec(path);
      return found && !ids.has(Number(found[1]));
    };
    for (const name of [names.pages, names.fragments]) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        if (!other(new URL(request.url).pathname)) continue;
        await cache.delete(request, { ignoreVary: true });
        changed = true;
      }
    }
  }

  // The home screen as it is now, so that with no signal it lists the visits
  // this phone keeps, each saying whether it is ready.
  async function keepHome() {
    if (!changed && Date.now() - homeKeptAt < FRESH_MS) return;
    const response = await page(names.home);
    if (!response.ok || response.redirected) return;
    await stillSignedIn();
    await (await caches.open(names.pages)).put(names.home, response);
    changed = false;
    homeKeptAt = Date.now();
  }

  // Run after each sync (Outbox.afterSync), but not awaited by it: a page that
  // gets no answer (up to PAGE_TIMEOUT_MS each) must not hold the next sync, such
  // as the one that tells a phone back online that it was removed. A visit that
  // could not be fetched stays as it was and is tried again next time.
  // `settled()`: done when every pass started so far is, for the worker's events
  // to wait on (sw.js), so the worker is not stopped half-way.
  const afterSync = () => { inTurn(readyPass); };
  const settled = () => turn;
  async function readyPass() {
    const kept = await getMeta("keep", null);
    if (!kept) return; // a home computer from before `keep`: the button alone
    try {
      await keep(kept);
      await stillSignedIn();
      await dropAllBut(new Set(kept.map((visit) => visit.id)));
      await keepHome();
      await stillSignedIn();
      await setMeta("readyPass", Date.now());
      await Outbox.broadcast(); // the pages say which visits are ready now
    } catch (error) {
      // Signed out, or the connection went: the next sync makes them ready.
    }
  }

  // "Get ready for this visit": answers on the page's port.
  async function getReady(visit, port) {
    const result = (await inTurn(() => keep([visit], true)).catch((error) => ({ [visit.id]: { error: String(error) } })))[visit.id];
    if (port) port.postMessage(result.error ? { ok: false, error: result.error } : { ok: true, at: result.at });
  }

  return { use, keep, afterSync, settled, getReady };
})();

Outbox.afterSync(Ready.afterSync);

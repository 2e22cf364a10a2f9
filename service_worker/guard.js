// What the worker serves while the phone is locked or after the family removed
// it, and what signing in and out change on the phone (design.md §5). The lock
// is kept in IndexedDB (meta "lock", written by the page's
// static/js/behaviours/phone.js), so it holds across reloads and the worker's
// restarts: the worker reads it (and "removed", written by outbox.js) for every
// request that could carry the family's things, from its caches or the network.
const Guard = (() => {
  const { getMeta, setMeta, pendingCount, forget, transact, req } = self.AskTwiceDB;
  const ASK_MS = 5000; // how long the removed page waits for the home computer's word
  // Open while locked: nothing of the family's, and the ways back in when the
  // PIN is forgotten (signing in, or pairing again with a code from home).
  const OPEN = [/^\/static\//, /^\/manifest\.webmanifest$/, /^\/setup$/, /^\/signin$/, /^\/pair(\/[^/]+)?$/];
  const SIGN_IN = [/^\/signin$/, /^\/pair(\/[^/]+)?$/];
  const refusal = (body, type) => new Response(body, {
    status: 403, headers: { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "no-store" },
  });

  const isOpen = (url) => OPEN.some((path) => path.test(url.pathname));
  const signsIn = (url) => SIGN_IN.some((path) => path.test(url.pathname));
  // The lock and whether the family removed this phone, in one read.
  const state = () => transact(["meta"], "readonly", (s) => Promise.all(
    ["lock", "removed"].map((key) => req(s.meta.get(key))))).then(
    ([lock, removed]) => ({ locked: Boolean(lock && lock.value && lock.value.locked),
      removed: Boolean(removed && removed.value) }), () => ({}));

  // Anything else waits on the lock: a page gets the lock screen (`lockedUrl`),
  // any other request (an attachment, a recording's sound, the fragments) a refusal.
  // A phone removed at home sends every page to its own (`removedUrl`): no sign-in there.
  async function unlessLocked(request, serve, lockedUrl, removedUrl) {
    const { locked, removed } = await state();
    if (removed && !locked && request.mode === "navigate") return Response.redirect(removedUrl, 303);
    if (!locked) return serve();
    const page = request.mode === "navigate" && await caches.match(lockedUrl);
    return page ? refusal(await page.text(), "text/html") : refusal("Ask Twice is locked.", "text/plain");
  }

  // The removed phone's own page. Sent there by the server (its sign-in was removed),
  // the phone first asks with its token, so that it forgets the family's things
  // before the page says what stays; a link from elsewhere cannot make it forget.
  async function removedPage(request, pageUrl) {
    if (await getMeta("device", null)) {
      const asked = Outbox.replay().catch(() => {});
      await Promise.race([asked, new Promise((resolve) => setTimeout(resolve, ASK_MS))]);
    }
    return (await caches.match(pageUrl)) || fetch(request);
  }

  // A sign-in or pairing the server took (it answers with a redirect) is a new
  // sign-in on this phone: it lifts the lock, as pairing again promises.
  async function signIn(request) {
    const response = await fetch(request);
    if (response.type === "opaqueredirect") {
      await setMeta("lock", null);
      await setMeta("removed", null); // paired again: this phone syncs once more
    }
    return response;
  }

  // Once the server has ended the sign-in (it redirects): forget the family's
  // things on this phone before the next page, keeping this person's items not
  // yet synced, and let the sign-in page say how many stayed.
  async function signedOut(response) {
    if (response.type !== "opaqueredirect") return response; // not signed out: a page saying why
    await forget(false);
    const kept = await pendingCount();
    return Response.redirect(new URL(`/signin?signed_out=${kept}`, self.location.origin).href, 303);
  }

  // The page "Signing out needs a connection": what waits in the outbox, and the
  // way back to the page the form was on (a path of ours only: plain characters, no "//").
  async function notSyncedYet(html, form) {
    const count = await pendingCount().catch(() => 0);
    const items = count === 1 ? "1 item is" : `${count} items are`;
    const words = count ? `${items} not yet synced. They are safe on this phone and will be sent `
      + "when you are connected." : "Everything on this phone is synced.";
    const back = String(form.get("back") || "");
    const path = /^\/(?!\/)[\w\-./]*$/.test(back) ? back : "/";
    return html.replace("%%pending%%", words).replace("%%back%%", path);
  }

  return { isOpen, signsIn, unlessLocked, removedPage, signIn, signedOut, notSyncedYet };
})();

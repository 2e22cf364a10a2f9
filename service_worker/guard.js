// What the worker serves while the phone is locked, and what signing in and
// out change on the phone (design.md §5). The lock is kept in IndexedDB (meta
// "lock", written by the page's static/js/behaviours/phone.js), so it holds
// across reloads and the worker's restarts: the worker reads it for every
// request that could carry the family's things, from its caches or the network.
const Guard = (() => {
  const { getMeta, setMeta, pendingCount, forget } = self.AskTwiceDB;
  // Open while locked: nothing of the family's, and the ways back in when the
  // PIN is forgotten (signing in, or pairing again with a code from home).
  const OPEN = [/^\/static\//, /^\/manifest\.webmanifest$/, /^\/setup$/, /^\/signin$/, /^\/pair(\/[^/]+)?$/];
  const SIGN_IN = [/^\/signin$/, /^\/pair(\/[^/]+)?$/];
  const refusal = (body, type) => new Response(body, {
    status: 403, headers: { "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "no-store" },
  });

  const isOpen = (url) => OPEN.some((path) => path.test(url.pathname));
  const signsIn = (url) => SIGN_IN.some((path) => path.test(url.pathname));
  const locked = () => getMeta("lock").then((lock) => Boolean(lock && lock.locked), () => false);

  // Anything else waits on the lock: a page gets the lock screen (`lockedUrl`),
  // any other request (an attachment, a recording's sound, the fragments) a refusal.
  async function unlessLocked(request, serve, lockedUrl) {
    if (!(await locked())) return serve();
    const page = request.mode === "navigate" && await caches.match(lockedUrl);
    return page ? refusal(await page.text(), "text/html") : refusal("Ask Twice is locked.", "text/plain");
  }

  // A sign-in or pairing the server took (it answers with a redirect) is a new
  // sign-in on this phone: it lifts the lock, as pairing again promises.
  async function signIn(request) {
    const response = await fetch(request);
    if (response.type === "opaqueredirect") await setMeta("lock", null);
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

  return { isOpen, signsIn, unlessLocked, signIn, signedOut, notSyncedYet };
})();

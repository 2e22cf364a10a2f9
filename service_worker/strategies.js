// Named fetch strategies (after the offline cookbook). Each returns a Response.
const Strategies = (() => {
  const TIMEOUT_MS = 3000;

  const timeout = (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), ms));

  // Cache first: versioned static files (the cache name carries the version).
  async function cacheFirst(request, cacheName) {
    const cached = await caches.match(request, { cacheName });
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok) (await caches.open(cacheName)).put(request, response.clone());
    return response;
  }

  // Network first with a timeout: pages. Then the cached copy, then `noSignal()`'s
  // answer if it has one (the home screen: a visit kept, kept.js), then our offline page.
  async function networkFirst(request, cacheName, offlineUrl, pagesOnly = false, noSignal = null) {
    try {
      const response = await Promise.race([fetch(request), timeout(TIMEOUT_MS)]);
      // Pages only: a recording or a photo opened on its own stays out of the cache,
      // so deleting it at home leaves no copy behind on this phone.
      const page = (response.headers.get("Content-Type") || "").startsWith("text/html");
      if (response.ok && (page || !pagesOnly) && response.status !== 206 && !response.redirected) {
        (await caches.open(cacheName)).put(request, response.clone());
      }
      return response;
    } catch (error) {
      const cached = await caches.match(request, { cacheName, ignoreVary: request.mode === "navigate" });
      if (cached) return cached;
      const answer = noSignal && await noSignal();
      if (answer) return answer;
      if (offlineUrl) return (await caches.match(offlineUrl)) || Response.error();
      throw error;
    }
  }

  // htmx GETs: network first into their own cache, relying on Vary: HX-Request.
  // A boosted page load falls back to the page cache, then the offline page.
  async function fragment(request, fragmentsCache, pagesCache, offlineUrl) {
    try {
      return await networkFirst(request, fragmentsCache, null);
    } catch (error) {
      if (request.headers.get("HX-Boosted")) {
        const page = await caches.match(request.url, { cacheName: pagesCache, ignoreVary: true });
        return page || (await caches.match(offlineUrl)) || Response.error();
      }
      throw error;
    }
  }

  // The installed app's start page, which the server redirects to the next
  // visit: follow it, remember where it led, and with no signal go there again
  // (that page is in the cache once the visit was made ready). A redirect to
  // sign in (a session that timed out) is followed but never remembered, so
  // the app still opens on the visit in the room. `noSignal()`'s answer, if it
  // has one, comes before the remembered place: that may be a visit gone by, or
  // one this phone does not keep.
  async function rememberedRedirect(request, cacheName, offlineUrl, signInPath, noSignal = null) {
    const cache = await caches.open(cacheName);
    try {
      const response = await Promise.race([fetch(request.url, { credentials: "same-origin" }), timeout(TIMEOUT_MS)]);
      if (!response.redirected) return response;
      if (new URL(response.url).pathname !== signInPath) {
        await cache.put(request.url, Response.redirect(response.url, 303));
      }
      return Response.redirect(response.url, 303);
    } catch (error) {
      return (noSignal && await noSignal()) || (await cache.match(request.url))
        || (await caches.match(offlineUrl)) || Response.error();
    }
  }

  // A form post that only the server can answer (signing out): network only,
  // and with no connection our own page saying so, never the browser's error
  // page. `fill(html, form)` fills in that page's placeholders.
  async function needsServer(request, pageUrl, fill) {
    const form = await request.clone().formData().catch(() => new FormData());
    try {
      return await fetch(request);
    } catch (error) {
      const page = await caches.match(pageUrl);
      if (!page) return Response.error();
      const html = await fill(await page.text(), form);
      return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
  }

  return { cacheFirst, networkFirst, fragment, rememberedRedirect, needsServer };
})();

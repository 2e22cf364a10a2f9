// Ask Twice service worker: wiring only. Strategies, the outbox and capture
// live in the helpers; docs/sync-protocol.md and design.md §3 are the rules.
const VERSION = "__VERSION__";
const PREFIX = "ask-twice";
const STATIC_CACHE = `${PREFIX}-static-${VERSION}`;
const PAGES_CACHE = `${PREFIX}-pages`;
const FRAGMENTS_CACHE = `${PREFIX}-fragments`;
const EXPECTED_CACHES = [STATIC_CACHE, PAGES_CACHE, FRAGMENTS_CACHE];
const OFFLINE_URL = "/static/offline.html";
const START_URL = "/start"; // the manifest's start_url: the next visit
const HOME_URL = "/";
const KEPT_URL = "/static/kept.html"; // with no signal, the visits this phone keeps
const SIGN_IN_URL = "/signin";
const SIGN_OUT_URL = "/signout";
const SIGN_OUT_OFFLINE_URL = "/static/signout-offline.html";
const LOCKED_URL = "/static/locked.html";
const REMOVED_URL = "/static/removed.html";
const MANIFEST_URL = "/manifest.webmanifest";
const SHELL = [
  OFFLINE_URL, KEPT_URL, SIGN_OUT_OFFLINE_URL, LOCKED_URL, REMOVED_URL, MANIFEST_URL,
  "/static/build/app.css",
  "/static/build/pages.css",
  "/static/build/app.js",
  // The bundle's parts loaded on first use (lock and wipe, read back, ...): the server lists them.
  ..."__LAZY__".split(" ").filter(Boolean),
  "/static/vendor/htmx.min.js",
  "/static/icons/icon.svg",
  "/static/icons/apple-touch-icon.png",
  "/sw/fragments.json",
];

// ready.js before uploads.js: after a sync, visits are made ready before recordings go.
importScripts("/sw/idb.js", "/sw/outbox.js", "/sw/ready.js", "/sw/uploads.js", "/sw/render.js",
  "/sw/capture.js", "/sw/strategies.js", "/sw/guard.js", "/sw/kept.js");
Ready.use({ statics: STATIC_CACHE, pages: PAGES_CACHE, fragments: FRAGMENTS_CACHE, shell: SHELL, home: HOME_URL });

self.addEventListener("install", (event) => {
  // No skipWaiting(): a new version waits until the page says the user agreed.
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && !EXPECTED_CACHES.includes(name)) await caches.delete(name);
    }
    await self.clients.claim();
    Outbox.replay().catch(() => {});
  })());
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.method === "POST") {
    if (request.mode === "navigate" && url.pathname === SIGN_OUT_URL) {
      event.respondWith(Strategies.needsServer(request, SIGN_OUT_OFFLINE_URL, Guard.notSyncedYet)
        .then(Guard.signedOut));
      return;
    }
    if (request.mode === "navigate" && Guard.signsIn(url)) {
      event.respondWith(Guard.signIn(request));
      return;
    }
    const capture = Capture.route(url);
    if (!capture || request.mode === "navigate") return; // a form navigation: the server checks it
    const answer = Capture.save(event, capture);
    event.respondWith(answer);
    event.waitUntil(keepingReady(answer.then(() => Outbox.afterCapture())).catch(() => {}));
    return;
  }
  if (request.method !== "GET" || url.pathname === "/sw.js") return;
  const serve = strategyFor(request, url);
  if (Guard.isOpen(url)) {
    if (serve) event.respondWith(serve());
  } else {
    event.respondWith(Guard.unlessLocked(request, serve || (() => fetch(request)), LOCKED_URL, REMOVED_URL));
  }
});

// The named strategy for a GET of ours, or null: the network, as it is.
function strategyFor(request, url) {
  if (request.mode === "navigate" && url.pathname === REMOVED_URL) return () => Guard.removedPage(request, REMOVED_URL);
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/sw/")) {
    return () => Strategies.cacheFirst(request, STATIC_CACHE);
  }
  if (url.pathname === MANIFEST_URL) return () => Strategies.networkFirst(request, STATIC_CACHE, null);
  // With no answer from home, the app's start and the home screen open a visit this phone keeps.
  const kept = () => Kept.opening(PAGES_CACHE, KEPT_URL);
  if (request.mode === "navigate" && url.pathname === START_URL) {
    return () => Strategies.rememberedRedirect(request, PAGES_CACHE, OFFLINE_URL, SIGN_IN_URL, kept);
  }
  if (request.mode === "navigate" && url.pathname === HOME_URL) {
    return () => Strategies.networkFirst(request, PAGES_CACHE, OFFLINE_URL, true, kept);
  }
  if (request.mode === "navigate") return () => Strategies.networkFirst(request, PAGES_CACHE, OFFLINE_URL, true);
  const fragment = request.headers.get("HX-Request");
  return fragment ? () => Strategies.fragment(request, FRAGMENTS_CACHE, PAGES_CACHE, OFFLINE_URL) : null;
}

// A sync, then the ready pass it started (ready.js: it runs after the sync, not
// inside it), so that an event's waitUntil keeps the worker awake for both.
const keepingReady = (sync) => sync.finally(() => Ready.settled());

self.addEventListener("message", (event) => {
  const { type, visit } = event.data || {};
  if (type === "skip-waiting") self.skipWaiting();
  const sync = { "sync-now": Outbox.replay, "send-held": Outbox.sendHeld }[type]; // then replays
  if (sync) event.waitUntil(keepingReady(sync()).catch(() => Outbox.broadcast()));
  if (type === "get-ready") event.waitUntil(Ready.getReady(visit, event.ports[0]));
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(keepingReady(Outbox.replay()));
});

// Where an installed app may sync now and then on its own, the visits get ready then too.
self.addEventListener("periodicsync", (event) => {
  if (event.tag === "keep-ready") event.waitUntil(keepingReady(Outbox.replay()));
});

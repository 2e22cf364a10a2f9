// The visits this phone keeps for use with no signal (issue 26): their pages in
// the page cache, however they came there ("Get ready", or opened online), each
// dated by its `<time data-visit-when>` (templates/visits/show.html). With no
// answer from home, the installed app's start opens the nearest of them.
const Kept = (() => {
  const VISIT_PATH = /^\/visits\/\d+$/;
  const WHEN = /<time datetime="([\d:T-]+)" data-visit-when>/;
  const WITH = /<h1 class="appointment__title">With ([^<]*)</;
  const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#34": '"', "#39": "'" };
  const unescape = (text) => text.replace(/&(amp|lt|gt|quot|#34|#39);/g, (_, name) => ENTITIES[name]);
  const CARD = `<li class="card">
        <p class="card__meta"><time datetime="%%when%%">%%day%%</time></p>
        <p class="card__title">With %%clinician%%</p>
        <p class="actions"><a class="button%%secondary%%" href="%%path%%">Open for the appointment</a></p>
      </li>`;

  const pad = (n) => String(n).padStart(2, "0");
  // The phone's own date: the visit is today where the family is.
  const today = (now = new Date()) => `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  // A visit with no time comes last on its day, as the server orders them.
  const order = (visit) => (visit.when.length > 10 ? visit.when : `${visit.when}T99`);

  // Every visit page in the cache as { path, when, clinician }, soonest first.
  async function visits(cacheName) {
    const cache = await caches.open(cacheName);
    const found = new Map();
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (!VISIT_PATH.test(path) || found.has(path)) continue;
      const html = await (await cache.match(request)).text();
      const when = html.match(WHEN);
      const clinician = html.match(WITH);
      if (when && clinician) found.set(path, { path, when: when[1], clinician: unescape(clinician[1]) });
    }
    return [...found.values()].sort((a, b) => order(a).localeCompare(order(b)));
  }

  // "Friday 4 December 2026, 10:30", as the home screen writes a visit's day.
  function dayText(when) {
    const [year, month, day] = when.slice(0, 10).split("-").map(Number);
    const text = new Date(year, month - 1, day).toLocaleDateString("en-GB",
      { weekday: "long", day: "numeric", month: "long", year: "numeric" }).replace(",", "");
    return when.length > 10 ? `${text}, ${when.slice(11, 16)}` : text;
  }

  // The page listing what this phone keeps: `pageUrl` (from the shell) with its cards.
  async function list(kept, pageUrl) {
    const page = await caches.match(pageUrl);
    if (!page) return null;
    const cards = kept.map((visit, index) => Render.fill(CARD,
      { ...visit, day: dayText(visit.when), secondary: index ? " button--secondary" : "" })).join("\n      ");
    const headers = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" };
    const policy = page.headers.get("Content-Security-Policy");
    if (policy) headers["Content-Security-Policy"] = policy;
    return new Response(Render.fill(await page.text(), {}, { visits: cards }), { headers });
  }

  // With no answer from home: the nearest visit kept from today on, else the
  // list of those kept (all gone by), else null (the caller's own fallback).
  async function opening(cacheName, listUrl) {
    const kept = await visits(cacheName).catch(() => []);
    const next = kept.find((visit) => visit.when.slice(0, 10) >= today());
    if (next) return Response.redirect(new URL(next.path, self.location.origin).href, 303);
    return kept.length ? list(kept, listUrl) : null;
  }

  return { visits, opening };
})();

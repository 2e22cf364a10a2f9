"""Measure what a year of visits takes on a phone that keeps them ready by itself (issue 24).

A family with a visit every week for a year: 52 visits, each with 8 questions
and, once it is over, 6 notes written at home. The phone (Pixel 7, signed in)
lives through the year one week at a time: the server's clock cannot move, so
a week passing is every visit's day moving a week earlier, which is the same
for the window of kept visits (a week back to a fortnight ahead). After each
week's sync it prints what the phone holds: the visit pages kept in Cache
Storage (bounded by the window), the app's own files, and the browser's
estimate of everything (IndexedDB included: the replica of the household's
rows grows with what the family writes, not with the pages).
Run: .venv/bin/python bench/ready_storage.py
"""

from datetime import date, timedelta

from _support import live_server, signed_in_phone, wait_until
from playwright.sync_api import sync_playwright

WEEKS = 52
NOTES = 6

SIZES = """async () => {
  const sizes = { pages: 0, shell: 0, visits: new Set() };
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const bytes = (await (await cache.match(request, { ignoreVary: true })).blob()).size;
      const found = /^\\/visits\\/(\\d+)/.exec(new URL(request.url).pathname);
      if (found) sizes.visits.add(found[1]);
      if (name.includes("-static-")) sizes.shell += bytes; else sizes.pages += bytes;
    }
  }
  const estimate = await navigator.storage.estimate();
  return { pages: sizes.pages, shell: sizes.shell, kept: sizes.visits.size, usage: estimate.usage };
}"""


def plan_year(database_url):
    """Add a visit a week for a year, the first today; return their ids."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Visit
    from webapp.services import library, visits

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        first = db.session.scalars(db.select(Visit)).first()
        ids = []
        for week in range(WEEKS):
            day = date.today() + timedelta(weeks=week)
            visit = visits.add_visit(first.case, first.clinician_id, day, first.start_time)
            visits.add_from_library(visit, list(library.questions_by_key())[:8])
            ids.append(visit.id)
        db.session.commit()
        db.engine.dispose()
    return app, ids


def a_week_passes(app, ids):
    """Move every visit a week earlier, and write notes at home for the ones now past."""
    from webapp.extensions import db
    from webapp.models import Member, Visit
    from webapp.services import capture, visits

    with app.app_context():
        owner = db.session.scalars(db.select(Member)).first()
        for visit in db.session.scalars(db.select(Visit).where(Visit.id.in_(ids))):
            day = visit.day - timedelta(weeks=1)
            visits.update_visit(visit, visit.clinician_id, day, visit.start_time, visit.place)
            if date.today() - timedelta(weeks=1) <= day < date.today():
                for n in range(NOTES):
                    text = f"What they said, part {n + 1}: " + "words " * 30
                    capture.add_note(visit, owner, text)
        db.session.commit()
        db.engine.dispose()


def synced(page, url):
    """Open the home screen (a sync), and wait until the visits were made ready after it."""
    before = page.evaluate("AskTwiceDB.getMeta('readyPass')") or 0
    page.goto(f"{url}/")
    wait_until(page, f"AskTwiceDB.getMeta('readyPass').then((at) => at > {before})", timeout=60)
    return page.evaluate(SIZES)


def main():
    with live_server() as (url, _, database_url), sync_playwright() as playwright:
        app, ids = plan_year(database_url)
        browser, _, page = signed_in_phone(playwright, url)
        kib = lambda n: f"{n / 1024:8.1f} KiB"  # noqa: E731
        print(f"{WEEKS} weekly visits, {NOTES} notes written after each; "
              "sizes after each week's sync")
        print("week  kept visits  visit pages    app files    browser's estimate (all)")
        peak = 0
        for week in range(WEEKS + 2):
            sizes = synced(page, url)
            peak = max(peak, sizes["pages"])
            if week % 4 == 0 or week >= WEEKS:
                print(f"{week:4}  {sizes['kept']:11}  {kib(sizes['pages'])}  {kib(sizes['shell'])}"
                      f"  {kib(sizes['usage'])}")
            a_week_passes(app, ids)
        print(f"Visit pages kept, at most: {kib(peak).strip()} "
              "(a year of visits never adds up there)")
        browser.close()


if __name__ == "__main__":
    main()

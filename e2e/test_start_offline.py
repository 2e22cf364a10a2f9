"""Issue 26, item 2: the installed app opened with no signal opens the visit this phone keeps.

The app opens on /start (the manifest's start_url). With no answer from home, the
worker opens the nearest visit from today on that the phone keeps ready, else a
list of the visits it keeps, else its offline page: never "needs a connection"
while a visit is ready. / shows the home screen the phone keeps (ready.js), and
the same as /start where it keeps none. Each phone here made its visits ready
from the visit page only, and never opened /start online.
"""

import re
from urllib.parse import urlparse

from phones import OFFLINE_HEADING, new_phone, path_of
from playwright.sync_api import expect

from tests.days import in_days, long_date

KEPT_HEADING = "Visits ready on this phone"
VISIT_PATH = re.compile(r"^/visits/(\d+)(/|$)")


def keep_only(phone, *visits):
    """Let the phone fetch no visit's pages but these: the household's other visits
    (other tests') are not made ready on it by itself, so what it keeps is known."""
    ids = {str(visit.id) for visit in visits}

    def handle(route):
        found = VISIT_PATH.match(urlparse(route.request.url).path)
        if found and found.group(1) not in ids:
            route.abort()
        else:
            route.continue_()
    phone.context.route("**/visits/**", handle)


def expect_visit(page, visit):
    expect(page.get_by_role("heading", level=1, name=re.compile(
        f"^With {re.escape(visit.clinician)}"))).to_be_visible()
    assert path_of(page.url) == visit.path, page.url


def test_with_no_signal_start_opens_the_nearest_visit_kept_ready(
        browser, browser_context_args, home, shoot):
    later = home.make_visit("Farida", day=in_days(9))
    sooner = home.make_visit("Gideon", day=in_days(2))
    phone = new_phone(browser, browser_context_args, "phone")
    keep_only(phone, later, sooner)
    try:
        phone.sign_in()
        for visit in (later, sooner):
            phone.open_visit(visit)
            phone.get_ready()

        phone.context.set_offline(True)
        fresh = phone.context.new_page()
        answer = fresh.goto("/start")
        assert answer is not None and answer.ok, "a browser error"
        expect_visit(fresh, sooner)
        expect(fresh.locator("[data-visit-screen]")).to_have_attribute("data-local", "shown")
        shoot(fresh, "start-offline-01-next-visit", full_page=False)

        # The home screen the phone keeps lists them; with none kept, / opens the visit too.
        fresh.goto("/")
        expect(fresh.locator(f'a[href="{sooner.path}"]').first).to_be_visible()
        fresh.evaluate("async () => (await caches.open('ask-twice-pages')).delete('/')")
        fresh.goto("/")
        expect_visit(fresh, sooner)
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


def test_with_the_server_stopped_start_opens_the_visit_kept_ready(
        browser, browser_context_args, home, live_server):
    visit = home.make_visit("Hamid", day=in_days(1))
    phone = new_phone(browser, browser_context_args, "phone")
    keep_only(phone, visit)
    try:
        phone.ready_for(visit)
        live_server.stop()
        try:
            fresh = phone.context.new_page()
            fresh.goto("/start")
            expect_visit(fresh, visit)
            fresh.evaluate("async () => (await caches.open('ask-twice-pages')).delete('/')")
            fresh.goto("/")
            expect_visit(fresh, visit)
        finally:
            live_server.start()
    finally:
        phone.context.close()


def test_with_only_past_visits_kept_start_lists_them_with_their_dates(
        browser, browser_context_args, home, axe, shoot):
    past = home.make_visit("Imogen", day=in_days(-3), start_time="")
    phone = new_phone(browser, browser_context_args, "phone")
    keep_only(phone, past)
    try:
        phone.ready_for(past)
        phone.context.set_offline(True)
        fresh = phone.context.new_page()
        answer = fresh.goto("/start")
        assert answer is not None and answer.ok, "a browser error instead of the list"
        expect(fresh.get_by_role("heading", level=1, name=KEPT_HEADING)).to_be_visible()
        card = fresh.locator(".card", has_text=past.clinician)
        expect(card).to_contain_text(long_date(in_days(-3)))
        axe.check(fresh, "visits kept on this phone")
        shoot(fresh, "start-offline-02-kept-visits")
        card.get_by_role("link", name="Open for the appointment").click()
        expect_visit(fresh, past)
    finally:
        phone.context.close()


def test_with_no_visit_kept_start_shows_the_offline_page(browser, browser_context_args, home):
    home.make_visit("Jakob", day=in_days(1))
    phone = new_phone(browser, browser_context_args, "phone")
    keep_only(phone)
    try:
        phone.sign_in()
        phone.context.set_offline(True)
        fresh = phone.context.new_page()
        answer = fresh.goto("/start")
        assert answer is not None and answer.ok, "a browser error instead of our offline page"
        expect(fresh.get_by_role("heading", level=1, name=OFFLINE_HEADING)).to_be_visible()
    finally:
        phone.context.close()

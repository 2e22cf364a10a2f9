"""Phones ready without remembering (issue 24): every sync makes the visits of
the next fortnight ready for use with no signal, drops those outside the
window, and the home screen says which are ready. No test here taps
"Get ready for this visit"."""

import re
from datetime import time

from phones import READY, READY_HERE, new_phone, poll
from playwright.sync_api import expect
from test_two_phones import pair_by_link

from tests.days import in_days
from webapp.services import accounts, cases, pairing, visits

NOT_READY = re.compile(r"^Not ready yet: open Ask Twice once at home before [A-Z][a-z]+day\.$")
# Every path this phone keeps in Cache Storage, outside the app's own static files.
KEPT_PATHS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    if (name.includes("-static-")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
  }
  return paths;
}"""


def ready_line(page, visit):
    """The readiness line of a visit on the home screen."""
    return page.locator(f'li.card:has(a[href="{visit.path}"]) [data-ready-line]')


def kept_visit_ids(phone):
    found = (re.match(r"^/visits/(\d+)(/|$)", path) for path in phone.page.evaluate(KEPT_PATHS))
    return {int(match.group(1)) for match in found if match}


def ready_pass(phone):
    """When the worker last made the visits ready after a sync (None: never)."""
    return phone.page.evaluate("() => AskTwiceDB.getMeta('readyPass')")


def after_next_ready_pass(phone, before):
    return poll(lambda: ready_pass(phone), lambda at: at and at > (before or 0),
                what=f"{phone.label}: the visits made ready after a sync")


def test_a_visit_added_at_home_works_with_no_signal_without_get_ready(
        browser, browser_context_args, seed, live_server, shoot):
    case = seed.case(seed.child("Rosa Ready"), "Wrist pain (tomorrow)")
    visit = seed.visit(case, "Dr Ready Mensah", day=in_days(1), questions=["Can she still swim?"])
    phone = new_phone(browser, browser_context_args, "phone")
    try:
        phone.sign_in()  # the home screen, once, online: nothing else is opened
        expect(ready_line(phone.page, visit)).to_have_text(READY)
        shoot(phone.page, "ready-01-home-screen-says-ready", full_page=False)
        live_server.stop()
        try:
            phone.page.goto(visit.path)
            phone.expect_visit_screen(visit)
            expect(phone.page.locator("[data-ready-status]")).to_have_text(READY_HERE)
            phone.save_note("Asked about swimming: yes, from next week")
            assert phone.pending() == 1
            shoot(phone.page, "ready-02-visit-with-no-signal", full_page=False)
        finally:
            live_server.start()
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


def test_a_visit_the_phone_knows_of_says_not_ready_and_a_moved_one_is_dropped(
        browser, browser_context_args, seed, live_server, shoot):
    case = seed.case(seed.child("Theo Window"), "Ankle sprain (window)")
    soon = seed.visit(case, "Dr Window Adeyemi", day=in_days(1))
    phone = new_phone(browser, browser_context_args, "phone")
    try:
        phone.sign_in()
        expect(ready_line(phone.page, soon)).to_have_text(READY)
        later = seed.visit(case, "Dr Window Haddad", day=in_days(3))  # after the phone synced

        # With no signal the phone shows what it knows: the new visit is not on it at all.
        live_server.stop()
        try:
            phone.page.goto("/")
            expect(ready_line(phone.page, soon)).to_have_text(READY)
            expect(phone.page.locator(f'a[href="{later.path}"]')).to_have_count(0)
            phone.open_visit_from_home(soon)
            phone.save_note("Bring the X-ray from March")
        finally:
            live_server.start()

        # Back home, the phone learns of it, but its pages cannot be fetched: not ready yet.
        unreachable = re.compile(rf"/visits/{later.id}(/|$)")
        phone.context.route(unreachable, lambda route: route.abort())
        before = ready_pass(phone)
        phone.page.goto("/")
        after_next_ready_pass(phone, before)
        expect(ready_line(phone.page, later)).to_have_text(NOT_READY)
        assert later.id not in kept_visit_ids(phone)
        shoot(phone.page, "ready-03-not-ready-yet", full_page=False)
        phone.context.unroute(unreachable)

        # The first visit moves to next month: it leaves the phone's cache on the next sync.
        with seed.services() as owner:
            moved = visits.get_visit(owner.household_id, soon.id)
            visits.update_visit(moved, moved.clinician_id, in_days(31), time(10, 30), "Clinic 3")
        before = ready_pass(phone)
        phone.page.reload()
        after_next_ready_pass(phone, before)
        kept = kept_visit_ids(phone)
        assert soon.id not in kept and later.id in kept, kept
        # Its pages are gone, never what was written on this phone.
        notes = phone.page.evaluate(
            "async (id) => (await AskTwiceDB.capturesOfVisit(id)).map((row) => row.text)", soon.id)
        assert notes == ["Bring the X-ray from March"]
        assert phone.pending() == 0
        expect(ready_line(phone.page, later)).to_have_text(READY)
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


# A browser that will not promise to keep this site's storage (Safari outside the Home Screen app).
REFUSES_TO_KEEP = "navigator.storage.persist = async () => false;"


def test_the_companions_phone_keeps_only_her_cases_visits(browser, browser_context_args, seed,
                                                           shoot):
    hers = seed.case(seed.child("Mia Companion"), "Hip pain (companion)")
    other = seed.case(seed.child("Leo Other"), "Ear infection (not hers)")
    her_visit = seed.visit(hers, "Dr Companion Osei", day=in_days(1))
    other_visit = seed.visit(other, "Dr Other Lindqvist", day=in_days(1))
    with seed.services() as owner:
        case = cases.get_case(owner.household_id, hers.id)
        grandma = accounts.invite_companion(case, "Grandma Ready")
        _, token, _ = pairing.start_pairing(grandma)
    phone = new_phone(browser, browser_context_args, "companion's phone")
    phone.context.add_init_script(REFUSES_TO_KEEP)
    try:
        pair_by_link(phone, f"/pair/{token}")
        before = ready_pass(phone)
        phone.page.goto("/")
        expect(ready_line(phone.page, her_visit)).to_have_text(READY)
        after_next_ready_pass(phone, before)
        paths = phone.page.evaluate(KEPT_PATHS)
        assert kept_visit_ids(phone) == {her_visit.id}, paths
        assert f"/visits/{her_visit.id}" in paths
        assert not [path for path in paths if str(other_visit.id) in path.split("/")], paths
        expect(phone.page.locator(f'a[href="{other_visit.path}"]')).to_have_count(0)
        # Asked to keep its storage when paired, the browser said no: the phone says what it means.
        expect(phone.page.locator("[data-storage-refused]")).to_contain_text(
            "On an iPhone, open Ask Twice from its Home Screen icon")
        shoot(phone.page, "ready-04-companion-storage-refused", full_page=False)
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


def test_get_ready_keeps_a_visit_the_fortnight_does_not_reach_yet(
        browser, browser_context_args, seed, live_server):
    case = seed.case(seed.child("Ivy Far"), "Back pain (three weeks away)")
    far = seed.visit(case, "Dr Far Nakamura", day=in_days(21))
    phone = new_phone(browser, browser_context_args, "phone")
    try:
        phone.sign_in()
        expect(ready_line(phone.page, far)).to_have_text(
            "This phone gets it ready by itself in the two weeks before.")
        phone.open_visit(far)
        expect(phone.page.locator("[data-ready-status]")).to_have_text("Do this at home, online.")
        phone.get_ready()  # the same state as the home screen's line
        before = ready_pass(phone)
        phone.page.goto("/")
        after_next_ready_pass(phone, before)
        assert far.id in kept_visit_ids(phone)
        expect(ready_line(phone.page, far)).to_have_text(READY)
        live_server.stop()
        try:
            phone.open_visit(far)
        finally:
            live_server.start()
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()

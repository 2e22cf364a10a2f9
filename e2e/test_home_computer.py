"""The home computer is not a phone: signed in with the passphrase at 1280 px, it
writes straight to the server and shows each result at once, with no worker,
outbox, sync bar or phone wording. One an older version set up as a phone lets
its worker go once nothing waits in its outbox."""

import re

import pytest
from phones import OWNER, poll, sign_in_at_home
from playwright.sync_api import expect

from webapp.services import capture, visits

WIDE = {"viewport": {"width": 1280, "height": 900}, "service_workers": "allow"}
WORKERS = "() => navigator.serviceWorker.getRegistrations().then((found) => found.length)"


@pytest.fixture
def desk(browser, base_url):
    """A desktop browser on the home computer, service workers allowed."""
    context = browser.new_context(base_url=base_url, **WIDE)
    yield context.new_page()
    context.close()


def note_at(seed, visit, text):
    with seed.services() as owner:
        capture.add_note(visits.get_visit(owner.household_id, visit.id), owner, text)


def test_the_home_computer_edits_a_note_and_saves_a_debrief_at_once(desk, seed, home, shoot, axe):
    visit = home.make_visit("Desk")
    note_at(seed, visit, "Ask about the scan")
    page = sign_in_at_home(desk)
    header = page.locator("header")
    expect(header.get_by_role("link", name="Phones")).to_be_visible()
    expect(header.get_by_role("link", name="This phone")).to_have_count(0)
    expect(page.locator("#sync-bar")).to_have_count(0)
    page.goto(f"{visit.path}/questions")
    expect(page.get_by_text("Install on this phone")).to_have_count(0)
    expect(page.get_by_text("Keep Ask Twice on this phone")).to_have_count(0)

    # A note changed at home is changed on the server, and the page shows it at once.
    page.goto(visit.path)
    expect(page.get_by_role("heading", level=1, name=re.compile(f"^With {visit.clinician}"))
           ).to_be_visible()
    expect(page.get_by_role("button", name="Get ready for this visit")).to_have_count(0)
    page.get_by_role("link", name=re.compile("^Edit")).click()
    page.get_by_label("Note", exact=True).fill("Ask about the scan date and the report")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("heading", level=1, name=f"Visit with {visit.clinician}")
           ).to_be_visible()
    expect(page.get_by_text("Ask about the scan date and the report")).to_be_visible()
    expect(page.get_by_text(re.compile("on this phone", re.I))).to_have_count(0)
    shoot(page, "home-computer-01-note-changed")
    axe.check(page, "visit summary at home")
    assert home.summary(visit)["notes"] == ["Ask about the scan date and the report"]

    # A debrief saved at home is among everyone's at once, with no background sync.
    page.goto(f"{visit.path}/debrief")
    page.get_by_label("What you will remember").fill("The scan comes first")
    page.get_by_role("button", name="Save my debrief").click()
    everyone = page.locator("section[aria-labelledby=everyone-heading]")
    expect(everyone.get_by_role("heading", level=3, name=OWNER)).to_be_visible()
    expect(everyone.get_by_text("The scan comes first")).to_be_visible()
    expect(page.get_by_text(re.compile("on this phone", re.I))).to_have_count(0)
    shoot(page, "home-computer-02-debrief-saved")
    axe.check(page, "debrief at home")

    # No worker, so no outbox: nothing waits to be sent from this browser.
    assert page.evaluate(WORKERS) == 0


def test_a_home_computer_set_up_as_a_phone_before_lets_its_worker_go(desk, home):
    page = sign_in_at_home(desk)
    page.evaluate("() => navigator.serviceWorker.register('/sw.js', {scope: '/'})"
                  ".then(() => navigator.serviceWorker.ready).then(() => true)")
    assert page.evaluate(WORKERS) == 1
    page.goto("/")
    poll(lambda: page.evaluate(WORKERS), lambda found: found == 0,
         what="the worker an older version registered to be let go")

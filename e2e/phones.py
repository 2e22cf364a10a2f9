"""Helpers for the offline browser tests: the home computer, a phone, polling.

Not a test module: e2e/test_offline.py and e2e/test_rejections.py import it.
"""

import re
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlparse

from playwright.sync_api import expect

from tests.days import years_ago

# The household. A database holds one household only, so whichever test comes
# first creates it (e2e/seed.py, or HomeComputer.sign_in below) and every other
# one signs in with the same name and passphrase.
OWNER = "Sam Taylor"
PASSPHRASE = "purple kite over the harbour"

ROOT = Path(__file__).resolve().parent.parent
# How long a click, a navigation or a screenshot may take: twice Playwright's
# default, for a browser that is merely slow on a busy two-core machine.
ACTION_TIMEOUT = 60_000
OFFLINE_HEADING = "This screen needs a connection"
SAVED_ON_PHONE = "Saved on this phone."
SYNC_SUMMARY = "#sync-bar [data-sync-summary]"
# A visit this phone keeps ready for use with no signal (static/js/behaviours/readiness.js):
# on the home screen, and beside "Get ready" on the appointment screen.
READY = re.compile(r"^Ready to use with no signal \(checked [A-Z][a-z]+day \d\d:\d\d\)$")
READY_HERE = "Ready with no signal."
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def open_composer(page):
    """Tap "Note" in the bottom bar unless the composer is open already: the field gets focus."""
    field = page.locator("#note-text")
    if not field.is_visible():
        page.locator(".visit-bar").get_by_role("link", name="Note").click()
        expect(field).to_be_focused()
    return field


def main_menu(page):
    """The header's links, unfolded first where the appointment screen on a phone
    folds them behind "Menu" (issue 19, item 11)."""
    toggle = page.locator("[data-menu-toggle]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.get_by_role("navigation", name="Main")


def open_answer_box(page, question_id):
    """Unfold a question's answer box, as a person would: the "Asked" group first if it holds it."""
    item = page.locator(f"#question-{question_id}")
    group = page.locator("#asked-group")
    if group.get_attribute("open") is None and group.locator(f"#question-{question_id}").count():
        group.locator("> summary").click()
    if item.locator("details.answer-box").get_attribute("open") is None:
        item.get_by_text("Write their answer").click()
    field = item.get_by_label("Their answer")
    expect(field).to_be_visible()
    return field


def poll(read, until, timeout=30.0, interval=0.15, what="condition"):
    """Call `read()` until `until(value)` holds; return the value, or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout} s waiting for {what}; last value: {value!r}")
        time.sleep(interval)


def sign_in(page, then=None, label="phone"):
    """Pair this browser as the owner's phone (the one way a browser becomes a phone:
    a browser signed in with the passphrase is the home computer), wait until it has
    settled in (its service worker and device registration, both made on its first
    page), then open `then` (a path) if given. Return the page."""
    page.goto("/pair")
    page.goto(pairing_link(re.match(r"https?://[^/]+", page.url).group(0)))
    page.get_by_role("button", name="Pair this phone").click()
    page.wait_for_url(lambda url: "/pair" not in url)
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name=f"Hello, {OWNER}")).to_be_visible()
    wait_for_worker_and_device(page, label)
    if then:
        page.goto(then)
    return page


def pairing_link(base_url):
    """A one-time pairing link for the owner's phone, made as the home computer makes
    one: signed in with the passphrase, "Make a code" on the Phones screen."""
    home = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())

    def post(path, page, **form):
        data = urlencode({"csrf_token": csrf_of(page), **form}).encode()
        return home.open(base_url + path, data, timeout=30).read().decode()

    def get(path):
        return home.open(base_url + path, timeout=30).read().decode()

    post("/signin", get("/signin"), name=OWNER, passphrase=PASSPHRASE)
    phones = get("/devices")
    owner = re.search(rf'for="member-(\d+)">{re.escape(OWNER)}<', phones).group(1)
    made = post("/devices/pairings", phones, member_id=owner)
    return re.search(r"/pair/[\w-]{20,}", made).group(0)


def pair_before_any_page(context, base_url):
    """Pair a browser context as the owner's phone through its cookie jar, opening no
    page: its first page is then the test's own."""
    link = pairing_link(base_url)
    form = context.request.get(link)
    paired = context.request.post(link, form={"csrf_token": csrf_of(form.text()),
                                              "name": f"{OWNER}'s phone"})
    assert paired.ok, paired.status


def sign_in_at_home(page):
    """Sign in with the passphrase, as on the home computer: no phone. Return the page."""
    page.goto("/signin")
    page.get_by_label("Your name").fill(OWNER)
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name=f"Hello, {OWNER}")).to_be_visible()
    return page


def wait_for_worker_and_device(page, label="phone"):
    """The worker controls the page and the browser has registered as a device."""
    poll(lambda: page.evaluate("() => Boolean(navigator.serviceWorker.controller)"),
         bool, what=f"{label}: a service worker in control")
    return poll(lambda: page.evaluate("() => AskTwiceDB.getMeta('device')"), bool,
                what=f"{label}: the device registration in IndexedDB")


def csrf_of(html):
    found = CSRF_INPUT.search(html)
    assert found, "no csrf_token in the page"
    return found.group(1)


def path_of(url):
    return urlparse(url).path


@dataclass
class Visit:
    id: int
    clinician: str
    child: str

    @property
    def path(self):
        return f"/visits/{self.id}"


class HomeComputer:
    """The family's home computer: prepares visits and reads the server's summary.

    Rows are made with plain form posts (the foundation walk already covers
    the forms in the browser); summaries are read in a desktop-size browser
    context with service workers blocked, so what it shows is what the server holds.
    """

    def __init__(self, playwright, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.api = playwright.request.new_context(base_url=base_url)
        self.csrf = None

    def close(self):
        self.api.dispose()

    def sign_in(self):
        """Set the household up if the database is empty, else sign in."""
        page = self.api.get("/setup")
        assert page.ok, page.status
        if path_of(page.url) == "/setup":
            done = self.api.post("/setup", form={
                "csrf_token": csrf_of(page.text()), "name": OWNER,
                "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE,
            })
        else:
            assert path_of(page.url) == "/signin", page.url
            done = self.api.post("/signin", form={
                "csrf_token": csrf_of(page.text()), "name": OWNER, "passphrase": PASSPHRASE,
            })
        assert done.ok and path_of(done.url) == "/", f"could not sign in: {done.status} {done.url}"
        self.csrf = csrf_of(done.text())  # the session was renewed: so was the token
        return self

    def _post(self, url, **form):
        answer = self.api.post(url, form={"csrf_token": self.csrf, **form})
        assert answer.ok, f"POST {url}: {answer.status}\n{answer.text()[:500]}"
        return answer

    def make_visit(self, label, keys=("diagnosis-agree", "treatment-agree"), start_time="10:30",
                   own=(), day=None, **child_fields):
        """Child, case, clinician and a visit on `day` (today unless given) with library
        questions, then the family's `own` ones; return the Visit."""
        child_name = f"Child {label}"
        clinician = f"Dr {label} Okafor"
        child = self._post("/children", name=child_name,
                           birth_date=years_ago(10, 5, 14).isoformat(), **child_fields)
        child_id = re.search(r"/children/(\d+)$", child.url).group(1)
        case = self._post(f"/children/{child_id}/cases", diagnosis=f"Knee pain ({label})",
                          condition="knee pain", safe_to_wait="yes")
        case_id = re.search(r"/cases/(\d+)$", case.url).group(1)
        form = self._post("/clinicians", name=clinician, next=f"/cases/{case_id}/visits/new")
        option = re.search(rf'<option value="(\d+)"[^>]*>{re.escape(clinician)}', form.text())
        assert option, "the new clinician is not offered on the visit form"
        visit = self._post(f"/cases/{case_id}/visits", clinician_id=option.group(1),
                           day=(day or date.today()).isoformat(), start_time=start_time,
                           place="Clinic 3")
        visit_id = int(re.search(r"/visits/(\d+)/questions$", visit.url).group(1))
        for key in keys:
            self._post(f"/visits/{visit_id}/questions/library", keys=key)
        for text in own:
            self._post(f"/visits/{visit_id}/questions", text=text, category="practical")
        return Visit(visit_id, clinician, child_name)

    def summary(self, visit, shoot=None, name=None):
        """Read the visit's summary as the server renders it now."""
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": 1280, "height": 900},
            service_workers="block", storage_state=self.api.storage_state(),
        )
        try:
            page = context.new_page()
            page.goto(f"{visit.path}/summary")
            title = page.get_by_role("heading", level=1, name=f"Visit with {visit.clinician}")
            expect(title).to_be_visible()
            notes = page.locator("section[aria-labelledby=summary-notes-heading] li.note")
            result = {
                "notes": notes.locator(".note__text").all_inner_texts(),
                "note_ids": notes.evaluate_all("els => els.map((e) => e.dataset.captureId)"),
                "tags": {
                    text: item.locator(".tag").all_inner_texts()
                    for item in notes.all() for text in [item.locator(".note__text").inner_text()]
                },
                "asked": page.get_by_text(re.compile(r"^\d+ of \d+ asked\.$")).inner_text(),
                "answers": page.locator(".summary-questions .answer__text").all_inner_texts(),
                "consent": page.locator("section[aria-labelledby=summary-consent-heading] li")
                .all_inner_texts(),
            }
            if shoot:
                shoot(page, name)
            return result
        finally:
            context.close()


class Phone:
    """One phone: a browser page, and what its page reported going wrong."""

    def __init__(self, context, label):
        self.context = context
        self.label = label
        self.page = context.pages[0] if context.pages else context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    # Setting up

    def sign_in(self):
        sign_in(self.page, label=self.label)

    def wait_for_worker_and_device(self):
        return wait_for_worker_and_device(self.page, self.label)

    def wait_for_visits_ready(self):
        """Wait until the worker has made the visits ready after its first sync
        (service_worker/ready.js): until then it fetches pages in the background."""
        return poll(lambda: self.page.evaluate("() => AskTwiceDB.getMeta('readyPass')"), bool,
                    what=f"{self.label}: the visits made ready after a sync")

    def ready_for(self, visit):
        """Sign in, open the visit and make it ready for use with no signal."""
        self.sign_in()
        self.open_visit(visit)
        self.get_ready()

    def open_visit(self, visit):
        self.page.goto(visit.path)
        self.expect_visit_screen(visit)

    def open_visit_from_home(self, visit):
        """As a family does: from the home screen's "Coming up" list (a boosted link)."""
        self.page.locator(f'a[href="{visit.path}"]').first.click()
        self.expect_visit_screen(visit)

    def expect_visit_screen(self, visit):
        """The visit screen, with what this phone holds drawn over the page."""
        title = re.compile(f"^With {re.escape(visit.clinician)}")
        expect(self.page.get_by_role("heading", level=1, name=title)).to_be_visible()
        assert path_of(self.page.url) == visit.path, self.page.url
        expect(self.page.locator("[data-visit-screen]")).to_have_attribute("data-local", "shown")

    def get_ready(self):
        self.page.get_by_role("button", name="Get ready for this visit").click()
        expect(self.page.locator("[data-ready-status]")).to_have_text(READY_HERE)
        # Said once the tap's work is done (the line may say so before: made ready after a sync).
        expect(self.page.locator("#status")).to_have_text(READY_HERE)

    # Capturing

    def notes(self):
        return self.page.locator("#note-list li[data-capture-id]")

    def note(self, text):
        exactly = re.compile(f"^{re.escape(text)}$")
        return self.notes().filter(has=self.page.locator(".note__text", has_text=exactly))

    def state_of(self, text):
        """The sync-state badge of the note with exactly this text."""
        return self.note(text).locator("[data-sync-state]")

    def save_note(self, text, tags=()):
        """Save a note and wait until the page says it is saved on this phone."""
        page = self.page
        before = self.notes().count()
        open_composer(page).fill(text)
        for tag in tags:
            page.locator(f"#tag-{tag}").check()
        page.locator("#save-note").click()
        expect(self.notes()).to_have_count(before + 1)
        expect(self.notes().first.locator(".note__text")).to_have_text(text)
        expect(self.notes().first.locator("[data-sync-state]")).to_have_text("On this phone")
        expect(page.locator("#status")).to_have_text(SAVED_ON_PHONE)
        expect(page.locator("#note-text")).to_have_value("")

    def question_ids(self):
        return self.page.locator("#questions li.question").evaluate_all(
            "els => els.map((e) => e.id.replace(/^question-/, ''))")

    def mark_asked(self, question_id):
        toggle = self.page.locator(f"#asked-{question_id}")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        toggle.click()
        expect(self.page.locator(f"#asked-{question_id}")).to_have_attribute("aria-pressed", "true")
        expect(self.page.locator("#status")).to_have_text(SAVED_ON_PHONE)

    def save_answer(self, question_id, text):
        item = self.page.locator(f"#question-{question_id}")
        open_answer_box(self.page, question_id).fill(text)
        item.get_by_role("button", name="Save answer").click()
        answer = self.page.locator(f"#answers-{question_id} li[data-capture-id]", has_text=text)
        expect(answer).to_have_count(1)
        expect(answer.locator("[data-sync-state]")).to_have_text("On this phone")
        expect(self.page.locator("#status")).to_have_text(SAVED_ON_PHONE)

    def consent_agreed(self, who):
        page = self.page
        expect(page.locator("#consent-who")).to_have_value(who)
        page.get_by_role("button", name="They agreed").click()
        agreed = re.compile(rf"{re.escape(who)} agreed at \d\d:\d\d\.")
        expect(page.locator("#consent-status")).to_contain_text(agreed)
        item = page.locator("#consent-log li[data-capture-id]")
        expect(item).to_have_count(1)
        expect(item).to_contain_text(f"{who} agreed to recording")
        expect(item.locator("[data-sync-state]")).to_have_text("On this phone")
        expect(page.locator("#status")).to_have_text(SAVED_ON_PHONE)

    # Syncing

    def pending(self):
        return self.page.evaluate("() => AskTwiceDB.pendingCount()")

    def sync_until_done(self, timeout=60.0):
        """Press "Sync now" (again every few seconds, as a person would) until the outbox is empty.

        Per testing.md the first sync after coming back online can fail while
        the worker is not online yet; the app retries with backoff, and the
        test waits for the outcome, not for an event. Returns the presses used.
        """
        button = self.page.get_by_role("button", name="Sync now")
        deadline = time.monotonic() + timeout
        presses, last_press = 0, 0.0
        while True:
            if self.pending() == 0:
                print(f"{self.label}: outbox empty after {presses} press(es) of Sync now")
                return presses
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.label}: {self.pending()} entries still in the outbox after {timeout} s "
                    f"and {presses} presses of Sync now; the bar says "
                    f"{self.page.locator('[data-sync-summary]').inner_text()!r}")
            if time.monotonic() - last_press > 4:
                button.click()
                presses += 1
                last_press = time.monotonic()
            time.sleep(0.2)

    def wait_for_automatic_sync(self, timeout=60.0):
        """Wait, without touching anything, until the app has emptied the outbox by itself
        (on `online`, then retries with backoff: a few seconds after a few failures)."""
        poll(self.pending, lambda n: n == 0, timeout=timeout,
             what=f"{self.label}: the outbox to empty by itself after coming back online")

    def device(self):
        return self.page.evaluate("() => AskTwiceDB.getMeta('device')")


def new_phone(browser, browser_context_args, label, **overrides):
    return Phone(browser.new_context(**{**browser_context_args, **overrides}), label)


def phone_with_profile(browser_type, launch_args, context_args, profile, *extra_args, **overrides):
    """A Pixel 7 phone whose browser keeps a profile on disk, as a real phone's does."""
    context_args = {k: v for k, v in {**context_args, **overrides}.items()
                    if k != "default_browser_type"}
    launch_args = {**launch_args, "args": [*launch_args.get("args", []), *extra_args]}
    context = browser_type.launch_persistent_context(profile, **launch_args, **context_args)
    context.set_default_timeout(ACTION_TIMEOUT)
    return Phone(context, "phone")


def assert_exactly_once(found, expected, what="notes"):
    """The server holds each expected text exactly once, and nothing else of ours."""
    counts = Counter(found)
    duplicates = {text: n for text, n in counts.items() if n > 1}
    missing = [text for text in expected if text not in counts]
    extra = [text for text in counts if text not in expected]
    assert not duplicates and not missing and not extra, (
        f"{what} on the server: duplicated {duplicates}, missing {missing}, unexpected {extra}")



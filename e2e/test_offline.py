"""Issue 3 in a real Chromium at phone size: the appointment screen with no signal.

Each test is independent: it prepares its own visit from the "home computer"
(plain HTTP against the live server, signed in as the household's owner), then
drives one or more phones (Pixel 7 browser contexts, service workers allowed).
"Offline" is reached both ways the design asks for: `context.set_offline(True)`
and stopping the server process (restarted on the same port).

What the server holds is always read from the summary page in a desktop-size
context with service workers blocked, so it is the server's answer, never a
cached copy. IndexedDB is read with `page.evaluate` (which awaits promises),
polled with a deadline: `wait_for_function` does not await a promise.
"""

import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

# The household of the foundation walk (e2e/test_foundation.py). The session's
# database holds one household only, so whichever test comes first creates it
# and every other one signs in with the same name and passphrase.
OWNER = "Sam Taylor"
PASSPHRASE = "purple kite over the harbour"

ROOT = Path(__file__).resolve().parent.parent
OFFLINE_HEADING = "This screen needs a connection"
SAVED_ON_PHONE = "Saved on this phone."
SYNC_SUMMARY = "#sync-bar [data-sync-summary]"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def poll(read, until, timeout=15.0, interval=0.15, what="condition"):
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

    def make_visit(self, label, keys=("diagnosis-agree", "treatment-agree")):
        """Child, case, clinician and a visit today with library questions; return the Visit."""
        child_name = f"Child {label}"
        clinician = f"Dr {label} Okafor"
        child = self._post("/children", name=child_name, birth_date="2016-05-14")
        child_id = re.search(r"/children/(\d+)$", child.url).group(1)
        case = self._post(f"/children/{child_id}/cases", diagnosis=f"Knee pain ({label})",
                          safe_to_wait="yes")
        case_id = re.search(r"/cases/(\d+)$", case.url).group(1)
        form = self._post("/clinicians", name=clinician, next=f"/cases/{case_id}/visits/new")
        option = re.search(rf'<option value="(\d+)"[^>]*>{re.escape(clinician)}', form.text())
        assert option, "the new clinician is not offered on the visit form"
        visit = self._post(f"/cases/{case_id}/visits", clinician_id=option.group(1),
                           day=date.today().isoformat(), start_time="10:30", place="Clinic 3")
        visit_id = int(re.search(r"/visits/(\d+)/questions$", visit.url).group(1))
        for key in keys:
            self._post(f"/visits/{visit_id}/questions/library", keys=key)
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
                "answers": page.locator(".summary-questions .answer").all_inner_texts(),
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
        self.page.set_default_timeout(10_000)
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    # Setting up

    def sign_in(self):
        page = self.page
        page.goto("/signin")
        page.get_by_label("Your name").fill(OWNER)
        page.get_by_label("Passphrase").fill(PASSPHRASE)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1, name=f"Hello, {OWNER}")).to_be_visible()
        self.wait_for_worker_and_device()

    def wait_for_worker_and_device(self):
        """The worker controls the page and the phone has registered as a device."""
        poll(lambda: self.page.evaluate("() => Boolean(navigator.serviceWorker.controller)"),
             bool, what=f"{self.label}: a service worker in control")
        return poll(lambda: self.page.evaluate("() => AskTwiceDB.getMeta('device')"), bool,
                    what=f"{self.label}: the device registration in IndexedDB")

    def open_visit(self, visit):
        self.page.goto(visit.path)
        self.expect_visit_screen(visit)

    def open_visit_from_home(self, visit):
        """As a family does: from the home screen's "Coming up" list (a boosted link)."""
        self.page.locator(f'a[href="{visit.path}"]').first.click()
        self.expect_visit_screen(visit)

    def expect_visit_screen(self, visit):
        title = re.compile(f"^With {re.escape(visit.clinician)}")
        expect(self.page.get_by_role("heading", level=1, name=title)).to_be_visible()
        assert path_of(self.page.url) == visit.path, self.page.url

    def get_ready(self):
        self.page.get_by_role("button", name="Get ready for this visit").click()
        expect(self.page.locator("[data-ready-status]")).to_have_text(
            re.compile(r"^Ready to use offline \(since .+\)\.$"), timeout=15_000)

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
        page.locator("#note-text").fill(text)
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
        item.locator(f"#answer-{question_id}").fill(text)
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

    def sync_until_done(self, timeout=30.0):
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

    def wait_for_automatic_sync(self, timeout=30.0):
        """Wait, without touching anything, until the app has emptied the outbox by itself
        (on `online`, then retries with backoff: a few seconds after a few failures)."""
        poll(self.pending, lambda n: n == 0, timeout=timeout,
             what=f"{self.label}: the outbox to empty by itself after coming back online")

    def device(self):
        return self.page.evaluate("() => AskTwiceDB.getMeta('device')")


def new_phone(browser, browser_context_args, label, **overrides):
    return Phone(browser.new_context(**{**browser_context_args, **overrides}), label)


def assert_exactly_once(found, expected, what="notes"):
    """The server holds each expected text exactly once, and nothing else of ours."""
    counts = Counter(found)
    duplicates = {text: n for text, n in counts.items() if n > 1}
    missing = [text for text in expected if text not in counts]
    extra = [text for text in counts if text not in expected]
    assert not duplicates and not missing and not extra, (
        f"{what} on the server: duplicated {duplicates}, missing {missing}, unexpected {extra}")


@pytest.fixture
def home(playwright, browser, live_server):
    computer = HomeComputer(playwright, browser, live_server.url).sign_in()
    yield computer
    computer.close()


@pytest.fixture(autouse=True)
def no_traceback_on_the_server(live_server):
    """After each test: no traceback in the session server's log."""
    before = len(live_server.log_text())
    yield
    assert "Traceback" not in live_server.log_text()[before:], live_server.log_tail()


# 1. ------------------------------------------------------------------------


def test_offline_capture_then_sync_exactly_once_via_set_offline(
        browser, browser_context_args, home, shoot):
    """Offline by `set_offline`: 20 notes, a question asked, an answer and a consent
    event are saved on the phone, survive a reload offline with their state, and
    after coming back online reach the server exactly once each.

    The phone opens the visit the way a family does: sign in, then the visit's
    link on the home screen (boosted navigation), then "Get ready".
    """
    visit = home.make_visit("Adaeze")
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    try:
        phone.sign_in()
        phone.open_visit_from_home(visit)
        phone.get_ready()
        first_q, second_q = phone.question_ids()

        phone.context.set_offline(True)
        page.reload()
        phone.expect_visit_screen(visit)  # answered by the service worker from its cache

        texts = [f"Offline note {n:02d}: blood test every {n} weeks" for n in range(1, 21)]
        for n, text in enumerate(texts):
            phone.save_note(text, tags=("risk",) if n == 0 else ())
        phone.mark_asked(first_q)
        answer = "Eye check within six weeks, whatever the treatment."
        phone.save_answer(first_q, answer)
        phone.consent_agreed(visit.clinician)

        states = phone.notes().locator("[data-sync-state]")
        expect(states).to_have_text(["On this phone"] * 20)
        assert phone.pending() == 23, "20 notes + asked + answer + consent in the outbox"
        expect(page.locator(SYNC_SUMMARY)).to_have_text(re.compile(r"^23 not yet synced, "))
        shoot(page, "offline-01-visit-on-this-phone")
        page.evaluate("() => window.scrollTo(0, 0)")  # the bar sits under the header
        shoot(page, "offline-02-sync-bar-pending", full_page=False)

        # Reload with no signal: everything is still on screen, with its state.
        page.reload()
        phone.expect_visit_screen(visit)
        capture_js = page.evaluate("() => typeof Capture !== 'undefined'")
        expect(phone.notes().locator(".note__text"),
               "notes saved offline, after an offline reload "
               f"(is /sw/capture.js loaded in the page? {capture_js})",
               ).to_have_text(list(reversed(texts)))
        expect(states).to_have_text(["On this phone"] * 20)
        expect(page.locator(f"#answers-{first_q} li[data-capture-id]")).to_contain_text(answer)
        expect(page.locator(f"#asked-{first_q}")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(f"#asked-{second_q}")).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#consent-log li[data-capture-id]")).to_contain_text(
            f"{visit.clinician} agreed to recording")
        expect(page.locator(SYNC_SUMMARY)).to_have_text(re.compile(r"^23 not yet synced, "))

        # Back in signal.
        phone.context.set_offline(False)
        phone.sync_until_done()
        expect(states).to_have_text(["Synced"] * 20, timeout=10_000)
        expect(page.locator(f"#answers-{first_q} [data-sync-state]")).to_have_text("Synced")
        expect(page.locator("#consent-log [data-sync-state]")).to_have_text("Synced")
        expect(page.locator(SYNC_SUMMARY)).to_have_text(
            re.compile(r"^Everything is synced, last sync at \d\d:\d\d\.$"))
        shoot(page, "offline-03-synced")

        held = home.summary(visit, shoot, "offline-03b-summary-desktop")
        assert_exactly_once(held["notes"], texts)
        assert held["tags"][texts[0]] == ["Risk"]
        assert held["asked"] == "1 of 2 asked."
        assert held["answers"] == [answer]
        assert len(held["consent"]) == 1 and held["consent"][0].endswith(
            f"{visit.clinician} agreed to recording"), held["consent"]
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


# 2. ------------------------------------------------------------------------


def test_offline_by_stopping_the_server_and_restarting_the_browser(
        browser_type, browser_type_launch_args, browser_context_args, live_server, home, shoot,
        tmp_path):
    """Offline for real: the server process is stopped. Notes saved then survive a
    browser restart with the same profile, a never-cached screen shows our own
    offline page, and once the server is back the notes reach it exactly once."""
    visit = home.make_visit("Bashir")
    profile = tmp_path / "phone-profile"
    context_args = {k: v for k, v in browser_context_args.items() if k != "default_browser_type"}

    def launch():
        context = browser_type.launch_persistent_context(
            profile, **browser_type_launch_args, **context_args)
        return Phone(context, "phone")

    phone = launch()
    texts = [f"Server down, note {n}: start with the eye check" for n in range(1, 4)]
    try:
        phone.sign_in()
        phone.open_visit(visit)
        phone.get_ready()

        live_server.stop()
        try:
            phone.page.reload()
            phone.expect_visit_screen(visit)
            for text in texts:
                phone.save_note(text)
            assert phone.pending() == 3
            assert phone.errors == [], "uncaught errors in the page"

            # Restart the browser, same profile, server still down.
            phone.context.close()
            phone = launch()
            phone.page.goto(visit.path)
            phone.expect_visit_screen(visit)
            for text in texts:
                expect(phone.state_of(text), "a note saved offline, after a browser restart"
                       ).to_have_text("On this phone")
            assert phone.pending() == 3
            expect(phone.page.locator(SYNC_SUMMARY)).to_have_text(
                re.compile(r"^3 not yet synced, "))

            answer = phone.page.goto("/clinicians/new?x=1")
            assert answer is not None and answer.ok, "a browser error instead of our offline page"
            expect(phone.page.get_by_role("heading", level=1, name=OFFLINE_HEADING)).to_be_visible()
            shoot(phone.page, "offline-04-offline-page-server-stopped")
        finally:
            live_server.start()

        phone.page.goto(visit.path)
        phone.expect_visit_screen(visit)
        phone.sync_until_done()
        for text in texts:
            expect(phone.state_of(text)).to_have_text("Synced", timeout=10_000)
        shoot(phone.page, "offline-06-synced-after-server-restart")

        assert_exactly_once(home.summary(visit)["notes"], texts)
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


# 3. ------------------------------------------------------------------------


def test_server_killed_after_commit_then_retry_gives_no_duplicates(
        playwright, browser, browser_context_args, live_server_with_test_hooks):
    """The server commits a pushed mutation, then dies before answering (test-only
    hook). The phone's retry of the same batch after the restart applies nothing
    twice: the server holds each note once."""
    server = live_server_with_test_hooks
    home = HomeComputer(playwright, browser, server.url).sign_in()
    api = playwright.request.new_context(base_url=server.url)
    try:
        visit = home.make_visit("Chiamaka")

        # A phone signs in and registers as a device; we take its token and drive
        # the protocol ourselves, since a page cannot add the fault header.
        phone = new_phone(browser, browser_context_args, "phone", base_url=server.url)
        try:
            phone.sign_in()
            phone.open_visit(visit)
            device = phone.device()
        finally:
            phone.context.close()  # its worker must not push for this device meanwhile
        auth = {"Authorization": f"Bearer {device['token']}"}

        def call(path, body, **headers):
            return api.post(path, data={"device_id": device["device_id"], **body},
                            headers={**auth, **headers})

        start = call("/api/v1/sync/pull", {"cursor": None})
        assert start.ok, start.text()
        first_seq = start.json()["last_applied_seq"] + 1
        texts = [f"Pushed once, note {n}" for n in range(1, 4)]
        node = uuid.uuid4().hex[:16]
        millis = int(time.time() * 1000)
        batch = {"schema_version": 1, "mutations": [
            {"seq": first_seq + n, "op": "note.create", "id": str(uuid.uuid4()),
             "hlc": f"{millis + n:013d}-0000-{node}",
             "data": {"visit_id": visit.id, "text": text, "tags": []}}
            for n, text in enumerate(texts)
        ]}

        with pytest.raises(PlaywrightError):
            call("/api/v1/sync/push", batch, **{"X-Test-Fault": "exit-after-commit"})
        assert server.process.wait(timeout=10) == 17, server.log_tail()
        server.stop()
        server.start()

        # The first mutation was committed before the process died.
        assert home.summary(visit)["notes"] == texts[:1]

        retry = call("/api/v1/sync/push", batch)
        assert retry.status == 200, retry.text()
        assert retry.json() == {"last_applied_seq": first_seq + 2, "rejections": []}
        again = call("/api/v1/sync/push", batch)  # a second retry changes nothing either
        assert again.status == 200 and again.json()["last_applied_seq"] == first_seq + 2

        held = home.summary(visit)
        assert_exactly_once(held["notes"], texts)
        assert sorted(held["note_ids"]) == sorted(m["id"] for m in batch["mutations"])

        everything = call("/api/v1/sync/pull", {"cursor": None}).json()
        pulled = Counter(c["id"] for c in everything["changes"] if c["entity"] == "note")
        assert all(pulled[m["id"]] == 1 for m in batch["mutations"]), pulled
        assert "Traceback" not in server.log_text(), server.log_tail()
    finally:
        api.dispose()
        home.close()


# 4. ------------------------------------------------------------------------


class Release:
    """A new release of the app, started in place of the session server (same port, same
    database): a copy of the working tree with one more static file, so the worker's
    version (a hash of the static files) changes, as after a real deploy."""

    IGNORE = staticmethod(shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "e2e", "tests", "bench", "docs", "instance",
        "__pycache__", "*.egg-info", ".hypothesis"))

    def __init__(self, live_server, workdir):
        self.live_server = live_server
        self.root = workdir / "release"
        shutil.copytree(ROOT, self.root, ignore=self.IGNORE)
        (self.root / "static" / "release-note.txt").write_text(f"release {uuid.uuid4()}\n")
        self.process = None

    def start(self, timeout=30):
        port = self.live_server.port
        with self.live_server.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "waitress", "--host", "127.0.0.1", "--port", str(port),
                 "--call", "webapp:create_app"],
                cwd=self.root, env=self.live_server.env, stdout=log, stderr=subprocess.STDOUT,
            )
        poll(lambda: self.process.poll() is not None or self._answers(), bool, timeout=timeout,
             what="the new release to answer")
        assert self.process.poll() is None, self.live_server.log_tail()

    def _answers(self):
        import urllib.error
        import urllib.request
        try:
            urllib.request.urlopen(f"{self.live_server.url}/signin", timeout=1).close()
            return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)
        self.process = None


def static_caches(page):
    return page.evaluate(
        "async () => (await caches.keys()).filter((n) => n.startsWith('ask-twice-static-'))")


def test_update_while_outbox_not_empty_loses_nothing(
        browser, browser_context_args, live_server, home, shoot, tmp_path):
    """A new app version arrives while notes wait in the outbox and someone is typing:
    the phone offers the update instead of reloading under the form; after
    "Update now" the new worker controls the page, the old static cache is gone,
    the outbox is intact, and sync delivers every note exactly once.

    To hold the outbox non-empty while the update installs, the sync API is
    refused (context.route) until after the update: a precondition, like a flaky network.
    """
    visit = home.make_visit("Dimitra")
    release = Release(live_server, tmp_path)
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    texts = [f"Before the update, note {n}" for n in range(1, 4)]
    try:
        phone.sign_in()
        phone.open_visit(visit)
        phone.get_ready()
        old_caches = static_caches(page)
        assert len(old_caches) == 1, old_caches

        phone.context.set_offline(True)
        for text in texts:
            phone.save_note(text)
        assert phone.pending() == 3

        # The home computer is updated while the phone has no signal.
        live_server.stop()
        try:
            release.start()
            refused = []
            phone.context.route("**/api/v1/sync/**",
                                lambda route: (refused.append(route.request.url),
                                               route.abort("connectionrefused")))
            draft = "Typing when the update arrives"
            page.locator("#note-text").fill(draft)
            page.evaluate("() => { window.__sameDocument = true; }")
            phone.context.set_offline(False)
            page.evaluate(
                "async () => { await (await navigator.serviceWorker.getRegistration()).update(); }")

            notice = page.locator("#update-notice")
            expect(notice).to_be_visible(timeout=15_000)
            expect(notice).to_contain_text("Update available")
            assert page.evaluate("() => window.__sameDocument === true"), (
                "the page reloaded under the form")
            expect(page.locator("#note-text")).to_have_value(draft)
            assert phone.pending() == 3
            page.evaluate("() => window.scrollTo(0, 0)")  # the notice sits under the header
            shoot(page, "offline-05-update-notice", full_page=False)

            with page.expect_navigation(timeout=15_000):  # the reload under the new worker
                notice.get_by_role("button", name="Update now").click()
            page.wait_for_load_state()
            assert page.evaluate("() => window.__sameDocument === undefined"), (
                "no reload after Update now")
            phone.expect_visit_screen(visit)
            phone.wait_for_worker_and_device()
            assert page.evaluate(
                "async () => { const r = await navigator.serviceWorker.getRegistration();"
                " return !r.waiting && !r.installing"
                " && r.active === navigator.serviceWorker.controller; }")
            expect(notice).to_be_hidden()
            new_caches = static_caches(page)
            assert len(new_caches) == 1 and new_caches != old_caches, (old_caches, new_caches)
            assert phone.pending() == 3, "outbox entries lost in the update"
            for text in texts:
                expect(phone.state_of(text)).to_have_text("On this phone")
            assert refused, "the sync API was never called while refused: no precondition"

            phone.context.unroute("**/api/v1/sync/**")
            phone.sync_until_done()
            for text in texts:
                expect(phone.state_of(text)).to_have_text("Synced", timeout=10_000)
            assert_exactly_once(home.summary(visit)["notes"], texts)
            draft_after = page.locator("#note-text").input_value()
            print(f"typed draft after 'Update now': {draft_after!r} (was {draft!r})")
        finally:
            release.stop()
            live_server.start()
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


# 5. ------------------------------------------------------------------------


def test_two_phones_offline_on_the_same_visit_merge_on_the_home_view(
        browser, browser_context_args, home, shoot):
    """Two phones (two devices of the same member) capture offline on one visit; back
    online, both sync by themselves (nobody presses "Sync now"), and the home
    computer's summary shows both sets, each note once."""
    visit = home.make_visit("Eun-ji")
    phones = [new_phone(browser, browser_context_args, label) for label in ("phone A", "phone B")]
    texts = {phone.label: [f"{phone.label}, note {n}" for n in range(1, 4)] for phone in phones}
    try:
        for phone in phones:
            phone.sign_in()
            phone.open_visit(visit)
            phone.get_ready()
        devices = [phone.device()["device_id"] for phone in phones]
        assert devices[0] != devices[1], "both phones registered as the same device"

        for phone in phones:
            phone.context.set_offline(True)
        for phone in phones:
            for text in texts[phone.label]:
                phone.save_note(text)
            assert phone.pending() == 3
        for phone in phones:
            phone.context.set_offline(False)
        for phone in phones:  # nobody presses "Sync now": coming back online is enough
            phone.wait_for_automatic_sync()
            for text in texts[phone.label]:
                expect(phone.state_of(text)).to_have_text("Synced", timeout=10_000)

        held = home.summary(visit, shoot, "offline-07-two-phones-merged-desktop")
        assert_exactly_once(held["notes"], texts["phone A"] + texts["phone B"])
        for phone in phones:
            assert phone.errors == [], f"uncaught errors in {phone.label}"
    finally:
        for phone in phones:
            phone.context.close()


# 6. ------------------------------------------------------------------------


def test_screens_that_need_the_server_say_so_offline(browser, browser_context_args, home, shoot):
    """Offline, a screen the phone never opened says so in plain words (our offline
    page), whether reached by a boosted link or by its address; a screen made
    ready for the visit still opens."""
    visit = home.make_visit("Farida")
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    offline_heading = page.get_by_role("heading", level=1, name=OFFLINE_HEADING)
    try:
        phone.sign_in()
        phone.open_visit(visit)
        phone.get_ready()
        phone.context.set_offline(True)

        # A boosted link in the main navigation.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clinicians").click()
        expect(offline_heading).to_be_visible()
        expect(page.get_by_text("Everything you saved on this phone is safe")).to_be_visible()
        shoot(page, "offline-04-offline-page")

        # The visit screen (made ready) opens by address; its summary link needs the server.
        page.goto(visit.path)
        phone.expect_visit_screen(visit)
        page.get_by_role("link", name="After the visit: see the summary").click()
        expect(offline_heading).to_be_visible()

        # Typed addresses of screens never opened.
        for address in ("/clinicians/new?x=1", "/children/new"):
            answer = page.goto(address)
            assert answer is not None and answer.ok, f"{address}: a browser error page"
            expect(offline_heading, address).to_be_visible()

        # The questions screen was made ready with the visit: it still opens.
        page.goto(f"{visit.path}/questions")
        questions = page.get_by_role("heading", level=1, name=f"Questions for {visit.clinician}")
        expect(questions).to_be_visible()
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()

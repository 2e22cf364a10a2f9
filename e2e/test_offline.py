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

import copy
import re
import shutil
import time
import uuid
from collections import Counter

import pytest
from phones import (  # e2e/phones.py
    OFFLINE_HEADING,
    OWNER,
    ROOT,
    SYNC_SUMMARY,
    HomeComputer,
    assert_exactly_once,
    main_menu,
    new_phone,
    open_composer,
    phone_with_profile,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

# The sync bar with no answer from home (issue 19, item 9), as a regular expression.
NO_CONNECTION = re.escape("No connection. Notes stay on this phone.")


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
        expect(page.locator(SYNC_SUMMARY)).to_have_text(
            re.compile(rf"^{NO_CONNECTION} 23 not yet synced, "))
        shoot(page, "offline-01-visit-on-this-phone")
        page.evaluate("() => window.scrollTo(0, 0)")  # the bar sits under the header
        shoot(page, "offline-02-sync-bar-pending", full_page=False)

        # Reload with no signal: everything is still on screen, with its state.
        page.reload()
        phone.expect_visit_screen(visit)
        expect(phone.notes().locator(".note__text"),
               "notes saved offline, after an offline reload",
               ).to_have_text(list(reversed(texts)))
        expect(states).to_have_text(["On this phone"] * 20)
        expect(page.locator(f"#answers-{first_q} li[data-capture-id]")).to_contain_text(answer)
        expect(page.locator(f"#asked-{first_q}")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(f"#asked-{second_q}")).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#consent-log li[data-capture-id]")).to_contain_text(
            f"{visit.clinician} agreed to recording")
        expect(page.locator(SYNC_SUMMARY)).to_have_text(
            re.compile(rf"^{NO_CONNECTION} 23 not yet synced, "))

        # Back in signal.
        phone.context.set_offline(False)
        phone.sync_until_done()
        expect(states).to_have_text(["Synced"] * 20)
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
            f"{visit.clinician} agreed to recording (logged by {OWNER})"), held["consent"]
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()




def test_offline_by_stopping_the_server_and_restarting_the_browser(
        browser_type, browser_type_launch_args, browser_context_args, live_server, home, shoot,
        tmp_path):
    """Offline for real: the server process is stopped. Notes saved then survive a
    browser restart with the same profile, a never-cached screen shows our own
    offline page, and once the server is back the notes reach it exactly once."""
    visit = home.make_visit("Bashir")
    profile = tmp_path / "phone-profile"

    def launch():
        return phone_with_profile(browser_type, browser_type_launch_args, browser_context_args,
                                  profile)

    phone = launch()
    texts = [f"Server down, note {n}: start with the eye check" for n in range(1, 4)]
    try:
        phone.ready_for(visit)

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
                re.compile(rf"^{NO_CONNECTION} 3 not yet synced, "))

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
            expect(phone.state_of(text)).to_have_text("Synced")
        shoot(phone.page, "offline-06-synced-after-server-restart")

        assert_exactly_once(home.summary(visit)["notes"], texts)
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()




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




RELEASE_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "e2e", "tests", "bench", "docs", "instance",
    "__pycache__", "*.egg-info", ".hypothesis")


def new_release(live_server, workdir):
    """A new release of the app, to start in place of the session server (same port, same
    database): a copy of the working tree with one more static file, so the worker's
    version (a hash of the static files) changes, as after a real deploy."""
    root = workdir / "release"
    shutil.copytree(ROOT, root, ignore=RELEASE_IGNORE)
    (root / "static" / "release-note.txt").write_text(f"release {uuid.uuid4()}\n")
    release = copy.copy(live_server)
    release.root, release.process = root, None
    return release


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
    release = new_release(live_server, tmp_path)
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    texts = [f"Before the update, note {n}" for n in range(1, 4)]
    try:
        phone.ready_for(visit)
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
            open_composer(page).fill(draft)
            page.evaluate("() => { window.__sameDocument = true; }")
            phone.context.set_offline(False)
            page.evaluate(
                "async () => { await (await navigator.serviceWorker.getRegistration()).update(); }")

            notice = page.locator("#update-notice")
            expect(notice).to_be_visible()
            expect(notice).to_contain_text("Update available")
            assert page.evaluate("() => window.__sameDocument === true"), (
                "the page reloaded under the form")
            expect(page.locator("#note-text")).to_have_value(draft)
            assert phone.pending() == 3
            page.evaluate("() => window.scrollTo(0, 0)")  # the notice sits under the header
            shoot(page, "offline-05-update-notice", full_page=False)

            with page.expect_navigation():  # the reload under the new worker
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
                expect(phone.state_of(text)).to_have_text("Synced")
            assert_exactly_once(home.summary(visit)["notes"], texts)
            draft_after = page.locator("#note-text").input_value()
            print(f"typed draft after 'Update now': {draft_after!r} (was {draft!r})")
        finally:
            release.stop()
            live_server.start()
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()




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
            phone.ready_for(visit)
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
                expect(phone.state_of(text)).to_have_text("Synced")

        held = home.summary(visit, shoot, "offline-07-two-phones-merged-desktop")
        assert_exactly_once(held["notes"], texts["phone A"] + texts["phone B"])
        for phone in phones:
            assert phone.errors == [], f"uncaught errors in {phone.label}"
    finally:
        for phone in phones:
            phone.context.close()




def test_screens_that_need_the_server_say_so_offline(browser, browser_context_args, home, shoot):
    """Offline, a screen the phone never opened says so in plain words (our offline
    page), whether reached by a boosted link or by its address; a screen made
    ready for the visit still opens."""
    visit = home.make_visit("Farida")
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    offline_heading = page.get_by_role("heading", level=1, name=OFFLINE_HEADING)
    try:
        phone.ready_for(visit)
        phone.context.set_offline(True)

        # A boosted link in the main navigation.
        main_menu(page).get_by_role("link", name="Clinicians").click()
        expect(offline_heading).to_be_visible()
        expect(page.get_by_text("Everything you saved on this phone is safe")).to_be_visible()
        shoot(page, "offline-04-offline-page")

        # The visit screen (made ready) opens by address; its summary link needs the server.
        page.goto(visit.path)
        phone.expect_visit_screen(visit)
        page.get_by_role("link", name="See the summary").click()
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

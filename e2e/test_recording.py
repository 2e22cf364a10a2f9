"""Issue 13 in a real Chromium with a fake microphone: recording the appointment.

Phones here are browsers of their own, launched with Chromium's fake capture
device (`--use-fake-device-for-media-stream --use-fake-ui-for-media-stream`),
with a profile on disk so a reload and a restart keep IndexedDB, as a real
phone's browser does. Offline is the server process stopped. What the server
holds is read from its SQLite file and from the summary page.
"""

import re
import sqlite3
import time

import pytest
from phones import SAVED_ON_PHONE, open_composer, phone_with_profile, poll
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

FAKE_MIC = ("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")


def launch(browser_type, launch_args, context_args, profile):
    phone = phone_with_profile(browser_type, launch_args, context_args, profile, *FAKE_MIC,
                               permissions=["microphone"])
    return phone


@pytest.fixture
def mic_phone(browser_type, browser_type_launch_args, browser_context_args, tmp_path):
    """A phone with a fake microphone and a profile on disk."""
    phone = launch(browser_type, browser_type_launch_args, browser_context_args,
                   tmp_path / "phone")
    yield phone
    assert phone.errors == [], "uncaught errors in the page"
    phone.context.close()


def recording_under_way(phone, visit):
    """Made ready, they agreed, and a recording with its first chunk kept; return its id."""
    phone.ready_for(visit)
    phone.consent_agreed(visit.clinician)
    return record(phone, chunks=1)


def local_recordings(phone, visit):
    return phone.page.evaluate(f"() => AskTwiceDB.recordingsOfVisit({visit.id})")


def local_chunks(phone, recording_id):
    return phone.page.evaluate(f"() => AskTwiceDB.blobsOf('{recording_id}')")


def stored(live_server, sql, *args):
    with sqlite3.connect(live_server.database) as db:
        return db.execute(sql, args).fetchall()


def recorder(phone):
    return phone.page.locator("#recorder")


SHOWN_VISIT = "Number(document.querySelector('[data-recorder]').dataset.visitId)"


def record(phone, chunks=2):
    """Tap Record and wait until `chunks` chunks are in IndexedDB; return the recording's id."""
    page = phone.page
    expect(recorder(phone)).to_have_attribute("data-loaded", "true")  # loaded once they agreed
    mine = f"() => AskTwiceDB.recordingsOfVisit({SHOWN_VISIT})"
    before = {r["id"] for r in page.evaluate(mine)}
    recorder(phone).get_by_role("button", name="Record", exact=True).click()
    expect(recorder(phone)).to_have_attribute("data-state", "recording")
    expect(recorder(phone).get_by_role("button", name="Stop")).to_be_focused()
    rows = poll(lambda: [r for r in page.evaluate(mine)
        if r["id"] not in before and r["chunks"] >= chunks], bool, timeout=30,
        what=f"{chunks} chunks of the new recording in IndexedDB")
    return rows[0]["id"]


def open_visit(phone, visit):
    phone.page.goto(visit.path)
    phone.expect_visit_screen(visit)
    expect(recorder(phone)).to_have_attribute("data-loaded", "true")


def test_record_offline_reload_upload_resume_listen_and_delete(
        browser_type, browser_type_launch_args, browser_context_args, live_server, home, shoot,
        axe, tmp_path):
    visit = home.make_visit("Rec")
    phone = launch(browser_type, browser_type_launch_args, browser_context_args,
                   tmp_path / "phone")
    page = phone.page
    try:
        phone.ready_for(visit)
        # Before anyone agreed: no Record button; the consent section says to ask first.
        expect(page.get_by_role("heading", name="Ask before you record")).to_be_visible()
        expect(page.locator("#consent-status")).to_have_text("No one has agreed. Do not record.")
        expect(recorder(phone)).to_be_hidden()
        expect(page.get_by_role("button", name="Record", exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name="They agreed")).to_be_visible()
        page.locator("#consent").scroll_into_view_if_needed()
        shoot(page, "recording-01-ask-first", full_page=False)
        axe.check(page, "recording: ask first")

        live_server.stop()
        try:
            page.reload()
            phone.expect_visit_screen(visit)
            phone.consent_agreed(visit.clinician)
            expect(recorder(phone)).to_have_attribute("data-loaded", "true")
            interrupted = record(phone, chunks=2)
            # Reload mid-recording: the chunks written so far stay; the recording is closed.
            page.reload()
            phone.expect_visit_screen(visit)
            expect(recorder(phone)).to_have_attribute("data-loaded", "true")
            closed = {r["id"]: r for r in local_recordings(phone, visit)}[interrupted]
            assert closed["state"] == "stopped" and closed["stop_reason"] == "interrupted"
            assert closed["chunks"] >= 2
            assert len(local_chunks(phone, interrupted)) == closed["chunks"]

            recording_id = record(phone, chunks=4)  # past the 5 s lead-in of the player
            open_composer(page).fill("The dose goes down in March")
            page.locator("#save-note").click()
            expect(page.locator("#status")).to_have_text(SAVED_ON_PHONE)
            page.locator("[data-close-composer]").click()
            recorder(phone).get_by_role("button", name="Pause").click()
            expect(recorder(phone)).to_have_attribute("data-state", "paused")
            expect(recorder(phone).get_by_role("button", name="Resume")).to_be_focused()
            shoot(page, "recording-02-paused", full_page=False)
            axe.check(page, "recording: paused")
            recorder(phone).get_by_role("button", name="Resume").click()
            expect(recorder(phone)).to_have_attribute("data-state", "recording")
            page.locator("#recorder").scroll_into_view_if_needed()
            time.sleep(1)
            shoot(page, "recording-03-recording", full_page=False)
            recorder(phone).get_by_role("button", name="Stop").click()
            expect(recorder(phone)).to_have_attribute("data-state", "idle")
            expect(recorder(phone).locator("[data-recording-list] li")).to_have_count(2)
            expect(recorder(phone).locator("[data-recording-list]")).to_contain_text(
                "On this phone")
            shoot(page, "recording-04-stopped-offline", full_page=False)
            note = [c for c in page.evaluate(f"() => AskTwiceDB.capturesOfVisit({visit.id})")
                    if c["kind"] == "note"][0]
            assert note["recording_id"] == recording_id and note["recording_offset_ms"] > 5000
        finally:
            live_server.start()

        # Back online, the upload is cut after two chunks, then resumes.
        answers = []

        def cut_after_two(route):
            if route.request.method == "PUT" and len(answers) >= 2:
                route.abort("connectionreset")
                return
            response = route.fetch()
            answers.append((route.request.url.rsplit("/", 1)[-1], response.status))
            route.fulfill(response=response)

        def chunks_on_server(until, what, timeout=30):
            """Poll the server's rows while Playwright runs the route handlers (page waits)."""
            deadline = time.monotonic() + timeout
            while not until(n := stored(live_server, "SELECT count(*) FROM recording_chunk")[0][0]):
                assert time.monotonic() < deadline, f"{what}: {n} chunks, answers {answers}"
                page.wait_for_timeout(200)
            return n

        phone.context.route("**/api/v1/recordings/*/chunks/*", cut_after_two)
        assert phone.pending() >= 2  # the outbox's starts and stops, and two recordings' sound
        page.get_by_role("button", name="Sync now").click()
        chunks_on_server(lambda n: n >= 2, "the first chunks on the server")
        page.wait_for_timeout(1000)
        assert chunks_on_server(lambda n: True, "") == 2, answers
        phone.context.unroute("**/api/v1/recordings/*/chunks/*")
        local = {r["id"]: r for r in local_recordings(phone, visit)}
        expected = sum(r["chunks"] for r in local.values())
        phone.sync_until_done(timeout=60)  # "not yet synced" counts the sound too
        assert chunks_on_server(lambda n: n >= expected, "the upload resumed") == expected
        # Every chunk stored once: each index of each recording, one row, one file.
        rows = stored(live_server, "SELECT replace(recording_id, '-', ''), \"index\", count(*) "
                                   "FROM recording_chunk GROUP BY 1, 2")
        for rid, meta in local.items():
            mine = sorted(index for r, index, n in rows if r == rid.replace("-", "") and n == 1)
            assert mine == list(range(meta["chunks"])), (rid, mine)
        expect(recorder(phone).locator(f'[data-recording-id="{recording_id}"]')).to_contain_text(
            "Sent to your computer")
        recorder(phone).scroll_into_view_if_needed()
        shoot(page, "recording-05-sent", full_page=False)
        free = recorder(phone).get_by_role("button", name="Free the space on this phone").first
        free.click()
        expect(recorder(phone).locator("[data-recording-list]")).to_contain_text("Space freed")

        # At home: the note plays from a few seconds before its moment.
        page.goto(f"{visit.path}/summary")
        player = page.locator(f'[data-recording="{recording_id}"]')
        expect(player.get_by_text(f"Made after {visit.clinician} agreed")).to_be_visible()
        expect(page.locator('[data-recording] .recording__consent').first).to_be_visible()
        marker = player.get_by_role("button", name=re.compile("Note: The dose goes down in March"))
        offset = note["recording_offset_ms"] / 1000
        marker.click()
        position = poll(lambda: player.locator("audio").evaluate(
            "(a) => ({at: a.currentTime, paused: a.paused})"),
            lambda p: not p["paused"], what="the player playing")
        assert abs(position["at"] - (offset - 5)) < 1.5, (position, offset)
        player.get_by_label("Speed").select_option("1.5")
        assert player.locator("audio").evaluate("(a) => a.playbackRate") == 1.5
        player.locator("audio").evaluate("(a) => a.pause()")
        player.scroll_into_view_if_needed()
        shoot(page, "recording-06-home-player", full_page=False)
        axe.check(page, "recordings at home")

        # The sound opened on its own is not kept in the worker's page cache, so a delete
        # at home leaves no copy in this browser.
        audio_url = player.locator("audio").evaluate("(a) => a.currentSrc")
        try:
            page.goto(audio_url)
        except PlaywrightError:
            pass  # a browser may save it as a download rather than show it
        page.goto(f"{visit.path}/summary")
        assert page.evaluate("""async (url) => {
          for (const name of await caches.keys()) {
            if (await (await caches.open(name)).match(url)) return name;
          }
          return null;
        }""", audio_url) is None
        player = page.locator(f'[data-recording="{recording_id}"]')

        # Delete at home (asked first): gone there, and from the phone on its next sync.
        player.get_by_text("Delete this recording…").click()
        player.get_by_role("button", name="Delete the recording").click()
        expect(page.locator(f'[data-recording="{recording_id}"]')).to_have_count(0)
        assert stored(live_server, "SELECT deleted_at IS NOT NULL FROM recording WHERE "
                      "replace(id, '-', '') = ?", recording_id.replace("-", "")) == [(1,)]
        open_visit(phone, visit)
        phone.page.get_by_role("button", name="Sync now").click()
        poll(lambda: [r["id"] for r in local_recordings(phone, visit)],
             lambda ids: recording_id not in ids, what="the deleted recording gone from the phone")
        assert local_chunks(phone, recording_id) == []
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


def test_withdrawal_stops_the_recording_at_once_and_keeps_the_time(
        mic_phone, live_server, home, shoot):
    phone, page, visit = mic_phone, mic_phone.page, home.make_visit("Withdraw")
    recording_id = recording_under_way(phone, visit)
    # The app goes to the background for a moment: the gap is marked.
    for state in ("hidden", "visible"):
        page.evaluate("""(state) => {
            Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }""", state)
        page.wait_for_timeout(300)
    page.get_by_role("button", name="Record that they withdrew").click()
    expect(recorder(phone)).to_have_attribute("data-state", "idle")
    expect(recorder(phone).get_by_role("button", name="Record", exact=True)).to_be_hidden()
    expect(recorder(phone).get_by_text("ask first, and record only once they agree")
           ).to_be_visible()
    meta = poll(lambda: {r["id"]: r for r in local_recordings(phone, visit)}[recording_id],
                lambda r: r["state"] == "stopped", what="the recording stopped")
    assert meta["stop_reason"] == "withdrawn" and meta["withdrawn_at"]
    assert len(meta["gaps"]) == 1 and meta["gaps"][0]["length_ms"] >= 250
    expect(recorder(phone).locator("[data-recording-list]")).to_contain_text(
        f"Stopped when they withdrew. Made after: {visit.clinician} agreed at")
    shoot(page, "recording-07-withdrawn", full_page=False)
    phone.sync_until_done()
    reason = poll(lambda: stored(
        live_server, "SELECT stop_reason, withdrawn_at, gaps FROM recording "
        "WHERE replace(id, '-', '') = ?", recording_id.replace("-", "")),
        lambda rows: rows and rows[0][0], what="the stop on the server")
    assert reason[0][0] == "withdrawn" and reason[0][1] and '"at_ms"' in reason[0][2]


def test_a_clock_set_back_in_the_background_still_ends_the_recording_at_home(
        mic_phone, live_server, home):
    phone, page, visit = mic_phone, mic_phone.page, home.make_visit("Clock")
    recording_id = recording_under_way(phone, visit)
    page.evaluate("""() => {
        Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
        const real = Date.now;  // the phone's clock is corrected by a minute, backwards
        Date.now = () => real() - 60000;
        Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    page.get_by_role("button", name="Record that they withdrew").click()
    meta = poll(lambda: {r["id"]: r for r in local_recordings(phone, visit)}[recording_id],
                lambda r: r["state"] == "stopped", what="the recording stopped")
    assert meta["gaps"][0]["length_ms"] == 0
    phone.sync_until_done()
    ended = poll(lambda: stored(
        live_server, "SELECT stop_reason, chunk_count FROM recording "
        "WHERE replace(id, '-', '') = ?", recording_id.replace("-", "")),
        lambda rows: rows and rows[0][0], what="the stop on the server")
    assert ended[0][0] == "withdrawn" and ended[0][1] is not None


ROOM = """() => {
  const real = navigator.storage.estimate.bind(navigator.storage);
  navigator.storage.estimate = async () => {
    const estimate = await real();
    return self.roomLeft === undefined ? estimate
      : { ...estimate, quota: (estimate.usage || 0) + self.roomLeft };
  };
}"""


def test_a_nearly_full_phone_stops_cleanly_and_keeps_what_was_recorded(
        mic_phone, home, shoot):
    phone, page, visit = mic_phone, mic_phone.page, home.make_visit("Full")
    phone.context.add_init_script(f"({ROOM})()")
    recording_id = recording_under_way(phone, visit)
    page.evaluate("() => { self.roomLeft = 5 * 1048576; }")  # the phone fills up
    expect(recorder(phone)).to_have_attribute("data-state", "idle")
    expect(page.locator("#status")).to_have_text(re.compile(
        r"^This phone is nearly full, so the recording stopped\. What was recorded is kept\. "
        r"About \d+ MB left\.$"))
    meta = {r["id"]: r for r in local_recordings(phone, visit)}[recording_id]
    assert meta["stop_reason"] == "storage_full" and meta["chunks"] >= 1
    assert len(local_chunks(phone, recording_id)) == meta["chunks"]
    shoot(page, "recording-08-phone-full", full_page=False)


def test_a_recording_the_computer_refuses_can_be_deleted_from_the_phone(mic_phone, home, shoot,
                                                                         axe):
    """They withdrew, logged at home, while this phone had no signal and still showed the
    agreement: its recording is refused at home. It stays on the phone, says so, and the
    family may delete it there (a second tap confirms); nothing goes before that."""
    visit = home.make_visit("Refused")
    phone, page = mic_phone, mic_phone.page
    phone.ready_for(visit)
    phone.consent_agreed(visit.clinician)
    phone.sync_until_done()
    phone.context.set_offline(True)
    home._post(f"/visits/{visit.id}/consent", kind="withdrawn", who=visit.clinician)
    recording_id = record(phone, chunks=1)
    recorder(phone).get_by_role("button", name="Stop").click()
    expect(recorder(phone)).to_have_attribute("data-state", "idle")
    phone.context.set_offline(False)
    phone.sync_until_done()
    item = recorder(phone).locator(f'[data-recording-id="{recording_id}"]')
    expect(item).to_contain_text("your computer did not take it")
    # The withdrawal logged at home shows on the phone with this sync, no reload needed,
    # and Record is no longer offered.
    expect(page.locator("#consent-log")).to_contain_text("withdrew permission")
    expect(recorder(phone).get_by_role("button", name="Record", exact=True)).to_be_hidden()
    first = item.get_by_role("button", name=re.compile("Delete it from this phone"))
    item.scroll_into_view_if_needed()
    shoot(page, "recording-09-refused-at-home", full_page=False)
    axe.check(page, "recording refused at home")
    first.click()
    sure = item.get_by_role("button", name=re.compile("Tap again to delete it for good"))
    expect(sure).to_be_visible()
    assert local_chunks(phone, recording_id) != [], "one tap deleted it"
    sure.click()
    poll(lambda: [r["id"] for r in local_recordings(phone, visit)],
         lambda ids: recording_id not in ids, what="the refused recording gone from the phone")
    assert local_chunks(phone, recording_id) == []
    expect(page.locator("#status")).to_have_text("Recording deleted from this phone.")
    focused = page.evaluate("() => document.activeElement.id || document.activeElement.tagName")
    assert focused in ("consent", "H2", "recorder-heading"), focused


def test_a_recording_the_computer_has_no_room_for_is_held_on_the_phone_until_asked(
        mic_phone, home, shoot, axe):
    """The household's share is full at home (507): the recording stays on the phone with
    the computer's words, is not sent again on each sync, and goes once the family asks."""
    visit = home.make_visit("NoRoom")
    phone, page = mic_phone, mic_phone.page
    phone.ready_for(visit)
    phone.consent_agreed(visit.clinician)
    full = "The space for Ask Twice on your computer is full. Ask for more room."
    tries = []

    def no_room(route):
        tries.append(route.request.url)
        route.fulfill(status=507, json={"code": "no_room", "message": full, "errors": {}})

    chunks = re.compile(r"/api/v1/recordings/[^/]+/chunks/\d+$")
    phone.context.route(chunks, no_room)
    recording_id = record(phone, chunks=1)
    recorder(phone).get_by_role("button", name="Stop").click()
    expect(recorder(phone)).to_have_attribute("data-state", "idle")
    item = recorder(phone).locator(f'[data-recording-id="{recording_id}"]')
    page.get_by_role("button", name="Sync now").click()
    expect(item).to_contain_text(f"On this phone, not sent. {full[:-1]}", timeout=20_000)
    refused = len(tries)
    assert refused >= 1
    for _ in range(2):  # later syncs leave it alone: no loop
        page.get_by_role("button", name="Sync now").click()
        page.wait_for_timeout(1500)
    assert len(tries) == refused, tries
    meta = {r["id"]: r for r in local_recordings(phone, visit)}[recording_id]
    assert len(local_chunks(phone, recording_id)) == meta["chunks"] >= 1
    item.scroll_into_view_if_needed()
    shoot(page, "recording-10-no-room-at-home", full_page=False)
    axe.check(page, "recording held: no room at home")

    phone.context.unroute(chunks)
    item.get_by_role("button", name=re.compile("Try sending again")).click()
    expect(item).to_contain_text("Sent to your computer", timeout=30_000)


def test_a_recording_stops_at_four_hours_and_keeps_what_it_has(mic_phone, home):
    """The phone's own bound, well within what the home computer takes: the clock the
    recorder reads is moved on by four hours, rather than waiting them out."""
    visit = home.make_visit("Long")
    phone, page = mic_phone, mic_phone.page
    phone.context.add_init_script("""(() => {
      const real = performance.now.bind(performance);
      self.movedOn = 0;
      performance.now = () => real() + self.movedOn;
    })()""")
    recording_id = recording_under_way(phone, visit)
    page.evaluate("() => { self.movedOn = 4 * 3600 * 1000; }")
    expect(recorder(phone)).to_have_attribute("data-state", "idle", timeout=15_000)
    expect(page.locator("#status")).to_have_text(
        "The recording stopped at 4 hours, the longest it can be. What was recorded is kept.")
    meta = {r["id"]: r for r in local_recordings(phone, visit)}[recording_id]
    assert meta["stop_reason"] == "time_limit" and meta["duration_ms"] >= 4 * 3600 * 1000
    assert len(local_chunks(phone, recording_id)) == meta["chunks"] >= 1
    expect(recorder(phone).locator(f'[data-recording-id="{recording_id}"]')).to_contain_text(
        "Stopped at 4 hours, the longest a recording can be.")

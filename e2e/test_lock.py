"""Issue 18 item 13: the PIN lock holds across reloads, its wrong-PIN pause too, and while
it is on nothing of the family's opens by address, from the worker's caches or the network."""

import re

from phones import poll
from playwright.sync_api import expect

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PIN, WRONG = "2468", "1111"
# Each try derives the PIN's key (150,000 rounds of PBKDF2): slow on a busy machine.
SLOW = 15_000
WAIT = re.compile(r"^That PIN was wrong 5 times\. Please wait (\d+) seconds, then try again\.$")

# What a page script gets for an address: the status, and whether it is the family's file.
FETCH = """async (url) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.text()).slice(0, 40) };
}"""


def attachment_of(home, visit):
    """Attach a photo to the first record of the visit's case, at home; return its address."""
    case_id = re.search(r'href="/cases/(\d+)"', home.api.get(visit.path).text()).group(1)
    home._post(f"/cases/{case_id}/records/start")
    records = f"/cases/{case_id}/records"
    item = re.search(rf'action="{records}/(\d+)/attachments"', home.api.get(records).text())
    home.api.post(f"{records}/{item.group(1)}/attachments", multipart={
        "csrf_token": home.csrf,
        "file": {"name": "scan.png", "mimeType": "image/png", "buffer": PNG}})
    link = re.search(rf'href="({records}/\d+/attachments/\d+)"', home.api.get(records).text())
    return link.group(1)


def lock_now(page):
    """Lock the phone on "This phone"; return the lock screen, shown."""
    page.goto("/phone")
    page.get_by_label("Choose a PIN").fill(PIN)
    page.get_by_role("button", name="Lock now").click()
    lock = page.get_by_role("dialog", name="Ask Twice is locked")
    expect(lock).to_be_visible(timeout=SLOW)
    return lock


def unlock_with(page, pin):
    page.get_by_label("PIN", exact=True).fill(pin)
    page.get_by_role("button", name="Unlock").click()


def test_the_lock_and_its_pause_hold_across_reloads_and_refuse_the_familys_files(
        phone, home, shoot, axe):
    visit = home.make_visit("Locked")
    photo = attachment_of(home, visit)
    page = phone.page
    error = page.locator("#unlock-pin-error")
    phone.ready_for(visit)
    phone.save_note("Private words")
    assert page.evaluate(FETCH, photo)["body"].startswith("\ufffdPNG")
    assert page.evaluate(FETCH, "/sw/fragments.json")["status"] == 200

    lock = lock_now(page)
    page.reload()
    expect(lock).to_be_visible()

    # Two wrong tries, a reload, three more: the fifth pauses, and a reload keeps the pause.
    for left in (4, 3):
        unlock_with(page, WRONG)
        expect(error).to_have_text(
            f"That PIN is not right. {left} more tries before a short wait.", timeout=SLOW)
    page.reload()
    expect(lock).to_be_visible()
    unlock_with(page, WRONG)
    expect(error).to_have_text(
        "That PIN is not right. 2 more tries before a short wait.", timeout=SLOW)
    unlock_with(page, WRONG)
    expect(error).to_have_text(
        "That PIN is not right. 1 more try before a short wait.", timeout=SLOW)
    unlock_with(page, WRONG)
    expect(error).to_have_text(WAIT, timeout=SLOW)
    page.reload()
    expect(error).to_have_text(WAIT, timeout=SLOW)
    unlock_with(page, PIN)  # right, but during the pause
    expect(page.get_by_label("PIN", exact=True)).to_have_value("")
    expect(error).to_have_text(WAIT)
    expect(lock).to_be_visible()
    shoot(page, "lock-01-paused", full_page=False)
    axe.check(page, "locked, paused")

    # While locked, the family's things open neither by address nor by a page's fetch.
    for url in (photo, "/sw/fragments.json", visit.path, f"{visit.path}/summary"):
        answer = page.goto(url)
        assert answer.status == 403, f"{url} answered {answer.status} while locked"
        expect(lock).to_be_visible()
        expect(page.locator("img")).to_have_count(0)
        assert "Knee pain" not in page.content() and "Private words" not in page.content()
        assert page.evaluate(FETCH, url) == {"status": 403, "body": "Ask Twice is locked."}
    shoot(page, "lock-02-photo-refused", full_page=False)

    # No signal: the visit kept for the appointment is not shown either.
    phone.context.set_offline(True)
    page.goto(visit.path)
    expect(lock).to_be_visible()
    expect(page.get_by_text("Private words")).to_have_count(0)
    expect(page.get_by_text(re.compile("Knee pain"))).to_have_count(0)

    # Once the pause is over, the right PIN opens the visit, from the phone's copy.
    expect(error).to_be_hidden(timeout=40_000)
    unlock_with(page, PIN)
    phone.expect_visit_screen(visit)
    expect(phone.note("Private words")).to_be_visible()
    phone.context.set_offline(False)
    assert page.evaluate(FETCH, photo)["status"] == 200
    lock_row = page.evaluate("() => AskTwiceDB.getMeta('lock')")
    assert lock_row["locked"] is False and lock_row["tries"] == 0
    assert not phone.errors


def test_signing_in_again_lifts_the_lock(phone, home):
    """The way out of a forgotten PIN that needs no code: sign in again with the passphrase."""
    visit = home.make_visit("Forgot")
    page = phone.page
    phone.ready_for(visit)
    lock = lock_now(page)
    phone.sign_in()
    poll(lambda: page.evaluate("() => AskTwiceDB.getMeta('lock')"), lambda lock: lock is None,
         what="the lock lifted by signing in")
    phone.open_visit(visit)
    expect(lock).to_be_hidden()


def test_a_clock_set_back_ends_the_pause_rather_than_holding_it(phone, home):
    """A pause began, then the phone's clock went back an hour: the pause does not last the hour."""
    visit = home.make_visit("Clock back")
    page = phone.page
    phone.ready_for(visit)
    lock = lock_now(page)
    page.evaluate("""async () => {
      const lock = await AskTwiceDB.getMeta('lock');
      await AskTwiceDB.setMeta('lock', { ...lock, pausedUntil: Date.now() + 3600 * 1000 });
    }""")
    page.reload()
    expect(lock).to_be_visible()
    unlock_with(page, PIN)
    expect(page.get_by_role("heading", level=1, name="This phone")).to_be_visible(timeout=SLOW)
    expect(lock).to_be_hidden()

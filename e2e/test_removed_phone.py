"""Issue 19, items 5 and 6: a phone removed at home. "Remove" asks first; the phone
learns it (by its sync, or by opening a page), deletes its copy of the family's
things at once, keeps only its own items not yet sent, and shows its own page,
with no sign-in: what it holds, "Pair again" (which then sends them, once) and
"Wipe this phone"."""

import re

import pytest
from phones import OWNER, SAVED_ON_PHONE, open_answer_box, path_of, poll
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from test_pairing import NEXT_VISIT, home_browser, make_code
from test_sign_out import CACHED_PAGES, HELD, PUSH
from test_two_phones import invitation_link, pair_by_link

REMOVED_HEADING = "This phone was removed from Ask Twice"
KEPT = "Ask the nurse about the cast"
HALF_TYPED = "She said the cast stays on for"
DRAFTS = """() => AskTwiceDB.transact(['drafts'], 'readonly',
  (s) => AskTwiceDB.req(s.drafts.getAll())).then((rows) => rows.map((row) => row.value.text))"""


@pytest.fixture
def at_home(home, browser, base_url):
    """The home computer's browser (after `home` made the household), signed in,
    desktop size; closed after the test."""
    context, page = home_browser(browser, base_url)
    yield page
    context.close()


def paired_for(page, phone, visit, person):
    """Pair `phone` for `person` by the QR link made at home; open `visit`, make it
    ready offline and sync, so it holds the family's things (replica and pages)."""
    link, _ = make_code(page, new_name=person)
    phone.page.goto(link)
    phone.page.get_by_role("button", name="Pair this phone").click()
    expect(phone.page).to_have_url(NEXT_VISIT)
    phone.open_visit(visit)
    assert phone.wait_for_worker_and_device()["author"] == person
    phone.get_ready()
    phone.sync_until_done()
    poll(lambda: phone.page.evaluate(HELD)["replica"], bool, what="the replica filled by pull")
    assert phone.page.evaluate(CACHED_PAGES), "nothing cached: the test would prove nothing"


def remove_at_home(page, phone_name, person, shoot, axe):
    """Remove the phone on the Phones screen, answering the question it asks first."""
    page.goto("/devices")
    page.get_by_role("link", name=f"Remove {phone_name}").click()
    expect(page.get_by_role("heading", level=1, name=f"Remove {phone_name}?")).to_be_visible()
    expect(page.locator("dl")).to_contain_text(f"Whose phone{person}")
    expect(page.get_by_text(re.compile(r"^At its last sync, \d\d:\d\d, everything on it had "
                                       r"reached this computer\. Anything saved on it since "
                                       r"is only on the phone\.$"))).to_be_visible()
    shoot(page, f"removed-phone-confirm-{person.lower()}")
    axe.check(page, "remove a phone: the question")
    page.get_by_role("button", name="Yes, remove it").click()
    card = page.locator("li.card", has_text=f"{phone_name} · {person}")
    expect(card.get_by_text("It must be paired again to sync.")).to_be_visible()


def holds_only_its_own(phone, texts):
    """Nothing of the family's is left on the phone but its own items not yet sent."""
    held = phone.page.evaluate(HELD)
    assert held["replica"] == 0, "the replica of others' data is still on the phone"
    assert held["captures"] == texts and held["outbox"] == len(texts), held
    assert "device" not in held["meta"] and "cursor" not in held["meta"], held["meta"]
    assert phone.page.evaluate(CACHED_PAGES) == [], "pages of the family still cached"


def with_a_note_kept(page, phone, home, title):
    """Pair `phone` for Gran at a new visit; her note then waits on it, home being out of
    reach for pushes. Return the visit."""
    visit = home.make_visit(title)
    paired_for(page, phone, visit, "Gran")
    phone.context.route(PUSH, lambda route: route.abort())
    phone.save_note(KEPT)
    assert phone.pending() == 1
    return visit


def pair_again(phone, code, phone_name):
    """From the removed phone's own page, pair it again with a code made at home."""
    phone.page.get_by_role("link", name="Pair again").click()
    phone.page.get_by_label("Code").fill(code)
    phone.page.get_by_label("Name this phone").fill(phone_name)
    phone.page.get_by_role("button", name="Pair this phone").click()
    expect(phone.page).to_have_url(NEXT_VISIT)


def learns_it_was_removed(phone):
    """Ask for a sync until the phone shows its own page: a retry of its own, once home
    answers again, may tell it first and leave the page under the tap."""
    heading = phone.page.get_by_role("heading", level=1, name=REMOVED_HEADING)

    def shown():
        if heading.is_visible():
            return True
        try:
            phone.page.get_by_role("button", name="Sync now").click(timeout=2000)
        except PlaywrightError:  # the page went to the phone's own page meanwhile
            pass
        return False

    poll(shown, bool, timeout=60.0, what="the removed phone's own page")


def test_a_removed_phone_forgets_the_family_keeps_its_own_and_pairs_again(
        at_home, phone, home, shoot, axe):
    page, gran = at_home, phone
    visit = with_a_note_kept(page, gran, home, "Removed")
    # Half an answer typed here, and a draft someone else left on this phone before.
    open_answer_box(gran.page, gran.question_ids()[0]).fill(HALF_TYPED)
    gran.page.evaluate("""(text) => AskTwiceDB.setDraft('draft:0:note-text',
      { text, at: Date.now(), author: text.split(':')[0] })""", f"{OWNER}: not Gran's")
    poll(lambda: sorted(gran.page.evaluate(DRAFTS)), lambda texts: len(texts) == 2,
         what="both drafts kept as typed")

    remove_at_home(page, "Gran's phone", "Gran", shoot, axe)

    # Her next sync learns it: the phone forgets at once and shows its own page.
    gran.context.unroute(PUSH)
    learns_it_was_removed(gran)
    holds_only_its_own(gran, [KEPT])
    held = gran.page.locator("[data-removed-items] li")
    expect(held).to_have_text([f"Note: {KEPT}", f"Not saved yet: {HALF_TYPED}"])
    assert gran.page.evaluate(DRAFTS) == [HALF_TYPED], "another person's draft is still here"
    expect(gran.page.get_by_text("1 item not yet sent is kept on this phone.")).to_be_visible()
    shoot(gran.page, "removed-phone-page")
    axe.check(gran.page, "the removed phone's page")

    # No sign-in anywhere: "This phone" and the visit lead to the same page, offline too.
    gran.page.goto("/phone")
    expect(gran.page.get_by_role("heading", level=1, name=REMOVED_HEADING)).to_be_visible()
    gran.context.set_offline(True)
    gran.page.goto(visit.path)
    expect(gran.page.get_by_role("heading", level=1, name=REMOVED_HEADING)).to_be_visible()
    expect(gran.page.get_by_text("Knee pain (Removed)")).to_have_count(0)
    gran.context.set_offline(False)

    # Paired again for Gran: what waited goes to the home computer once.
    _, code = make_code(page, whose="Gran")
    pair_again(gran, code, "Gran's phone")
    gran.open_visit(visit)
    poll(lambda: gran.device(), bool, what="a new device registration")
    gran.sync_until_done()
    gran.page.get_by_role("button", name="Sync now").click()  # and once more: still once
    gran.sync_until_done()
    assert home.summary(visit)["notes"].count(KEPT) == 1
    assert not gran.errors


def test_a_removed_phone_learns_it_from_a_page_and_wipes_without_signing_in(
        at_home, phone, home, shoot, axe):
    visit = home.make_visit("Wiped")
    page, pop = at_home, phone
    paired_for(page, pop, visit, "Pop")
    pop.context.set_offline(True)
    pop.save_note("Pop's note, never sent")
    expect(pop.page.locator("#status")).to_have_text(SAVED_ON_PHONE)
    remove_at_home(page, "Pop's phone", "Pop", shoot, axe)
    # No page of the app is open to hear "online" and sync: opening one tells it.
    pop.page.close()
    pop.page = pop.context.new_page()
    pop.page.on("pageerror", lambda error: pop.errors.append(str(error)))
    pop.context.set_offline(False)

    # "This phone" used to lead to the passphrase sign-in: now to the phone's own page.
    pop.page.goto("/phone")
    expect(pop.page.get_by_role("heading", level=1, name=REMOVED_HEADING)).to_be_visible()
    assert path_of(pop.page.url) == "/static/removed.html"
    holds_only_its_own(pop, ["Pop's note, never sent"])

    wipe = pop.page.get_by_role("button", name="Wipe this phone")
    wipe.click()
    status = pop.page.locator("[data-wipe-status]")
    expect(status).to_have_text("1 item is not yet sent: wiping now would lose it. "
                                "Pair again first to send it, or wipe anyway.")
    pop.page.get_by_role("button", name="Wipe anyway and lose it").click()
    expect(pop.page.get_by_role("heading", level=1, name="Ask Twice is wiped from this phone")
           ).to_be_visible()
    shoot(pop.page, "removed-phone-wiped")
    axe.check(pop.page, "the removed phone, wiped")
    gone = pop.page.evaluate("""async () => ({
        databases: (await indexedDB.databases()).map((d) => d.name),
        caches: await caches.keys(),
        workers: (await navigator.serviceWorker.getRegistrations()).length })""")
    assert gone == {"databases": [], "caches": [], "workers": 0}, gone
    assert not pop.errors


def test_a_phone_paired_again_as_another_person_sends_what_was_kept_only_when_asked(
        at_home, phone, home, shoot, axe):
    page, gran = at_home, phone
    visit = with_a_note_kept(page, gran, home, "Again")
    remove_at_home(page, "Gran's phone", "Gran", shoot, axe)
    gran.context.unroute(PUSH)
    learns_it_was_removed(gran)

    # Paired again, now as Pop: what Gran typed waits here, and Pop's own note goes.
    _, code = make_code(page, new_name="Pop")
    pair_again(gran, code, "Pop's phone")
    gran.open_visit(visit)
    poll(lambda: (gran.device() or {}).get("author"), lambda author: author == "Pop",
         what="the device registered for Pop")
    gran.save_note("Pop's own note")
    asked = gran.page.get_by_text("1 item was written by Gran on this phone before it was "
                                  "paired again. It stays here until you send it as Pop's.")
    expect(asked).to_be_visible(timeout=30_000)
    poll(gran.pending, lambda count: count == 1, what="only Gran's note still waiting")
    notes = home.summary(visit)["notes"]
    assert "Pop's own note" in notes and KEPT not in notes, notes
    shoot(gran.page, "paired-again-as-another-person")
    axe.check(gran.page, "a phone paired again as another person")

    gran.page.get_by_role("button", name="Send it as Pop's").click()
    gran.sync_until_done()
    expect(asked).to_be_hidden()
    authors = gran.page.evaluate("""(text) => AskTwiceDB.transact(['captures'], 'readonly',
      (s) => AskTwiceDB.req(s.captures.getAll())).then((rows) => rows
        .filter((row) => row.text === text).map((row) => row.author))""", KEPT)
    assert authors == ["Pop"], authors  # the phone shows it as the home computer holds it
    gran.page.get_by_role("button", name="Sync now").click()  # and once more: still once
    gran.sync_until_done()
    assert home.summary(visit)["notes"].count(KEPT) == 1
    assert not gran.errors


def test_a_removed_companion_invited_again_sends_what_her_phone_kept_once(
        at_home, phone, home, shoot, axe):
    visit = home.make_visit("Invited")
    page, rosa = at_home, phone
    page.goto(f"{visit.path}/summary")
    page.locator('a[href^="/cases/"]').first.click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_path = path_of(page.url)
    page.get_by_label("Their name").fill("Rosa")
    page.get_by_role("button", name="Invite them").click()
    assert pair_by_link(rosa, invitation_link(page))["author"] == "Rosa"
    rosa.open_visit(visit)
    rosa.sync_until_done()
    rosa.context.route(PUSH, lambda route: route.abort())
    rosa.save_note(KEPT)
    assert rosa.pending() == 1

    # The family removes Rosa herself; her phone learns it and keeps her note.
    page.goto(case_path)
    page.get_by_role("link", name="Remove Rosa").click()
    page.get_by_role("button", name="Yes, remove it").click()
    rosa.context.unroute(PUSH)
    learns_it_was_removed(rosa)
    holds_only_its_own(rosa, [KEPT])

    # Invited again, the same Rosa: her phone, paired again, sends the note once.
    page.goto(case_path)
    page.get_by_role("button", name="Invite Rosa again").click()
    code = page.locator("#pairing-code").inner_text()
    pair_again(rosa, code, "Rosa's phone")
    rosa.open_visit(visit)
    poll(lambda: rosa.device(), bool, what="a new device registration")
    rosa.sync_until_done()
    expect(rosa.page.locator("#held-notice")).to_be_hidden()
    rosa.page.get_by_role("button", name="Sync now").click()  # and once more: still once
    rosa.sync_until_done()
    assert home.summary(visit)["notes"].count(KEPT) == 1
    assert not rosa.errors

"""One visit as a family lives it: the home computer, a parent's phone and a companion's.

The parent's phone pairs by typed code, the companion's by the invitation
link. With the server stopped, both phones take notes and write their
debriefs, and the parent changes and deletes notes on the phone. Back
online, the home computer shows both debriefs side by side; each phone shows the other's
notes (offline too, with their authors), the home computer shows one merged
visit, and an edit that crossed one made at home is settled there. A removed
phone keeps its unsynced note and sends it once after pairing again; wiping
a phone refuses while something is unsynced, with the count.
"""

import re

from phones import OWNER, new_phone, poll
from playwright.sync_api import expect
from test_pairing import NEXT_VISIT, home_browser, make_code

COMPANION = "Grandpa Joe"
REPLICA_TEXTS = """async (visitId) => (await AskTwiceDB.replicaOfVisit(visitId))
  .filter((row) => row.entity === "note" && !row.deleted).map((row) => row.data.text)"""


# An edit posted from the visit screen, as a page kept from before the rule would send it.
SEND_EDIT = """async ([visitId, text]) => {
  const card = [...document.querySelectorAll("#note-list li.note")]
    .find((li) => li.querySelector(".note__text").textContent === text);
  const csrf = document.querySelector("input[name=csrf_token]").value;
  const body = new URLSearchParams({ csrf_token: csrf, id: crypto.randomUUID(),
    base_version: card.dataset.version, text: "Grandpa's better words" });
  const answer = await fetch(`/visits/${visitId}/notes/${card.dataset.captureId}/edit`,
    { method: "POST", body, headers: { "X-CSRFToken": csrf, "HX-Request": "true" } });
  return answer.status;
}"""


def pair_by_code(phone, code, name):
    phone.page.goto("/pair")
    phone.page.get_by_label("Code").fill(code)
    phone.page.get_by_label("Name this phone").fill(name)
    phone.page.get_by_role("button", name="Pair this phone").click()
    expect(phone.page).to_have_url(NEXT_VISIT)
    return phone.wait_for_worker_and_device()


def pair_by_link(phone, link):
    phone.page.goto(link)
    phone.page.get_by_role("button", name="Pair this phone").click()
    expect(phone.page).to_have_url(NEXT_VISIT)
    return phone.wait_for_worker_and_device()


def invitation_link(page):
    return re.search(r"(/pair/[\w-]+)$", page.locator("#pairing-link").text_content()).group(1)


def edit_note(phone, text, new_text, shoot=None):
    """Change a note on the phone's visit screen, in place."""
    card = phone.note(text)
    card.get_by_role("link", name=re.compile("^Edit")).click()
    field = card.get_by_label("Change the note")
    expect(field).to_be_focused()
    field.fill(new_text)
    if shoot:
        shoot(phone.page, "family-01-changing-a-note-offline", full_page=False)
    card.get_by_role("button", name="Save changes").click()
    changed = phone.note(new_text)
    expect(changed.locator("[data-sync-state]")).to_have_text("On this phone")
    expect(changed.get_by_role("link", name=re.compile("^Edit"))).to_be_focused()
    return changed


def delete_note(phone, text):
    card = phone.note(text)
    card.get_by_role("link", name=re.compile("^Edit")).click()
    card.get_by_text("Delete this note…").click()
    card.get_by_role("button", name="Delete the note").click()
    expect(phone.note(text)).to_have_count(0)


def write_debrief(phone, visit, heard):
    """Save a debrief with no signal; it is still there after a reload."""
    page = phone.page
    page.goto(f"{visit.path}/debrief")
    field = page.get_by_label("What you heard the doctor say")
    field.fill(heard)
    page.get_by_role("button", name="Save my debrief").click()
    expect(page.locator("#status")).to_have_text("Saved on this phone.")
    page.reload()
    expect(page.get_by_label("What you heard the doctor say")).to_have_value(heard)
    expect(page.get_by_text("Your latest save is on this phone.")).to_be_visible()


def test_two_phones_and_the_home_computer_share_one_visit(
        browser, browser_context_args, home, base_url, live_server, shoot, axe):
    visit = home.make_visit("Family")
    home_context, page = home_browser(browser, base_url)
    parent = new_phone(browser, browser_context_args, "parent's phone")
    companion = new_phone(browser, browser_context_args, "companion's phone")
    try:
        # Pairing: the parent types a code; the companion follows an invitation to this case.
        _, code = make_code(page, whose=OWNER)
        assert pair_by_code(parent, code.lower(), "Sam's phone")["author"] == OWNER
        page.goto(f"{visit.path}/summary")
        page.locator('a[href^="/cases/"]').first.click()
        page.get_by_label("Their name").fill(COMPANION)
        page.get_by_role("button", name="Invite them").click()
        assert pair_by_link(companion, invitation_link(page))["author"] == COMPANION

        # A note written at home before the visit, which both edit later.
        home._post(f"{visit.path}/notes", text="Bring the MRI disc")
        for phone in (parent, companion):
            phone.open_visit(visit)
            phone.get_ready()
            phone.sync_until_done()
            phone.page.reload()
            expect(phone.note("Bring the MRI disc")).to_contain_text(OWNER)

        # In the clinic: no server at all.
        live_server.stop()
        try:
            for phone in (parent, companion):
                phone.page.reload()
                phone.expect_visit_screen(visit)
            parent.save_note("Scan again in two weeks")
            parent.save_note("A note typed by mistake")
            companion.save_note("Ask if she can play football")
            edit_note(parent, "Bring the MRI disc", "Bring the MRI disc and the report", shoot)
            shoot(parent.page, "family-02-note-changed-offline", full_page=False)
            axe.check(parent.page, "note changed offline")
            delete_note(parent, "A note typed by mistake")
            # A reload with no signal keeps the change and the deletion.
            parent.page.reload()
            parent.expect_visit_screen(visit)
            expect(parent.note("Bring the MRI disc and the report")).to_have_count(1)
            expect(parent.note("Bring the MRI disc")).to_have_count(0)
            expect(parent.note("A note typed by mistake")).to_have_count(0)
            # Each person's debrief, on their own phone.
            write_debrief(parent, visit, "Six weeks of rest, then a scan")
            write_debrief(companion, visit, "Eight weeks, I think")
            shoot(companion.page, "family-03-debrief-offline", full_page=False)
            axe.check(companion.page, "debrief offline")
            assert parent.pending() == 5 and companion.pending() == 2
        finally:
            live_server.start()

        # Meanwhile the same note was changed at home: the phone's edit crosses it.
        note_id = home.summary(visit)["note_ids"][0]
        home._post(f"{visit.path}/notes/{note_id}/edit", text="Bring the MRI disc (home)",
                   base_version="1")

        parent.sync_until_done()
        companion.sync_until_done()
        for phone, theirs in ((parent, "Ask if she can play football"),
                              (companion, "Scan again in two weeks")):
            phone.page.get_by_role("button", name="Sync now").click()  # a pull brings the other's
            poll(lambda phone=phone: phone.page.evaluate(REPLICA_TEXTS, visit.id),
                 lambda texts, theirs=theirs: theirs in texts, what=f"{theirs!r} in the replica")

        # Each phone shows the other's notes with no signal, with their authors.
        for phone, theirs, author in ((parent, "Ask if she can play football", COMPANION),
                                      (companion, "Scan again in two weeks", OWNER)):
            phone.context.set_offline(True)
            phone.open_visit(visit)
            expect(phone.note(theirs)).to_contain_text(author)
            expect(phone.note("A note typed by mistake")).to_have_count(0)
            phone.context.set_offline(False)
        shoot(companion.page, "family-04-companion-sees-the-parents-notes", full_page=False)
        # The companion changes only her own notes: no Edit on the parent's (the page's
        # and the worker's markup), and a change sent anyway is refused, its words kept.
        for text, links in (("Scan again in two weeks", 0), ("Ask if she can play football", 1)):
            edit = companion.note(text).get_by_role("link", name=re.compile("^Edit"))
            expect(edit).to_have_count(links)
        assert companion.page.evaluate(SEND_EDIT, [visit.id, "Scan again in two weeks"]) == 200
        companion.sync_until_done()
        for _ in range(2):  # as the rejection arrives, then after a reload
            refused = companion.note("Scan again in two weeks")
            expect(refused.locator("[data-sync-state]")).to_contain_text(
                "Not saved: You can change only your own notes")
            expect(refused.locator("[data-unsaved]")).to_contain_text("Grandpa's better words")
            companion.page.reload()
            companion.expect_visit_screen(visit)
        assert "Grandpa" not in str(home.summary(visit)["notes"])

        # At home: both debriefs side by side, each under its author.
        page_text = home.api.get(f"{visit.path}/debrief").text()
        debriefs = page_text[page_text.index('id="everyone-heading"'):]
        assert "Six weeks of rest, then a scan" in debriefs and "Eight weeks, I think" in debriefs
        assert debriefs.index(COMPANION) < debriefs.index("Eight weeks") < debriefs.index(OWNER)

        # At home: one visit with every note once, and the crossed edit to settle.
        summary = home.summary(visit)
        assert sorted(summary["notes"]) == sorted([
            "Bring the MRI disc (home)", "Scan again in two weeks", "Ask if she can play football"])
        page.goto(f"{visit.path}/conflicts")
        phone_edit = page.locator(".inset", has_text="Bring the MRI disc and the report")
        expect(phone_edit).to_contain_text(f"{OWNER}'s edit")
        expect(page.locator(".inset", has_text="Bring the MRI disc (home)")).to_be_visible()
        shoot(page, "family-05-settle-a-crossed-edit")
        axe.check(page, "settle a crossed edit")
        phone_edit.get_by_role("button", name="Keep this").click()
        expect(page.get_by_text("Nothing to settle")).to_be_visible()
        assert "Bring the MRI disc and the report" in home.summary(visit)["notes"]
        # The phone that kept an older copy of the visit screen shows the settled words.
        companion.page.get_by_role("button", name="Sync now").click()
        poll(lambda: companion.page.evaluate(REPLICA_TEXTS, visit.id),
             lambda texts: "Bring the MRI disc and the report" in texts, what="the settled words")
        companion.context.set_offline(True)
        companion.open_visit(visit)
        expect(companion.note("Bring the MRI disc and the report")).to_have_count(1)
        companion.context.set_offline(False)

        # The companion's phone is removed while it holds a note; after a new link it arrives once.
        companion.context.set_offline(True)
        companion.open_visit(visit)
        companion.save_note("Joe: the drive took an hour")
        page.goto("/devices")
        card = page.locator("li.card", has_text=f"· {COMPANION}")
        card.get_by_role("link", name=re.compile("^Remove")).click()
        page.get_by_role("button", name="Yes, remove it").click()
        expect(card.get_by_text("It must be paired again to sync.")).to_be_visible()
        companion.context.set_offline(False)  # back online, it syncs, and so learns it
        expect(companion.page.get_by_role("heading", level=1,
                                          name="This phone was removed from Ask Twice")
               ).to_be_visible()
        assert companion.pending() == 1
        page.goto(f"{visit.path}/summary")
        page.locator('a[href^="/cases/"]').first.click()
        page.get_by_role("button", name=f"New link for a phone of {COMPANION}").click()
        pair_by_link(companion, invitation_link(page))
        poll(lambda: companion.device(), lambda device: device and device.get("token"),
             what="a new device")
        companion.open_visit(visit)
        companion.sync_until_done()
        assert home.summary(visit)["notes"].count("Joe: the drive took an hour") == 1

        # Wiping the parent's phone refuses while a note is unsynced, with the count.
        parent.page.goto("/phone")  # kept by the worker for use with no signal
        parent.context.set_offline(True)
        parent.open_visit(visit)
        parent.save_note("Not yet sent")
        parent.page.goto("/phone")
        parent.page.get_by_role("button", name="Sign out and wipe this phone").click()
        expect(parent.page.locator("[data-wipe-status]")).to_contain_text(
            "1 item is not yet synced")
        parent.context.set_offline(False)
        parent.sync_until_done()
        parent.page.goto("/phone")
        parent.page.get_by_role("button", name="Sign out and wipe this phone").click()
        expect(parent.page.get_by_text("Ask Twice is signed out and wiped from this phone.")
               ).to_be_visible()
        assert home.summary(visit)["notes"].count("Not yet sent") == 1
        assert not parent.errors and not companion.errors
    finally:
        for context in (parent.context, companion.context, home_context):
            context.close()

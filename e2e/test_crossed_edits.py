"""A note changed on the phone and at home, and a note changed on the phone before it synced.

The phone says plainly when its edit crossed one made at home (the home
computer keeps both for the family to settle), and shows the settled words
once they are; a tag chosen for a note still on the phone survives an edit of
that note made before it synced.
"""

from playwright.sync_api import expect
from test_two_phones import delete_note, edit_note

WAITING = "Changed in two places: waiting to be settled at home"


def test_a_crossed_edit_says_so_on_the_phone_until_it_is_settled_at_home(home, phone, shoot):
    visit = home.make_visit("Crossed")
    home._post(f"{visit.path}/notes", text="Bring the MRI disc")
    note_id = home.summary(visit)["note_ids"][0]
    phone.ready_for(visit)

    phone.context.set_offline(True)
    edit_note(phone, "Bring the MRI disc", "Bring the disc and the report")
    home._post(f"{visit.path}/notes/{note_id}/edit", text="Bring the MRI disc (home)",
               base_version="1")
    phone.context.set_offline(False)
    phone.sync_until_done()

    # Once the sync is back, then after a reload, and with no signal.
    expect(phone.state_of("Bring the disc and the report")).to_have_text(WAITING)
    phone.note("Bring the disc and the report").scroll_into_view_if_needed()
    shoot(phone.page, "crossed-01-waiting-to-be-settled", full_page=False)
    for offline in (False, True):
        phone.context.set_offline(offline)
        phone.open_visit(visit)
        expect(phone.state_of("Bring the disc and the report")).to_have_text(WAITING)
    phone.context.set_offline(False)

    # Settled at home with the home computer's words: the phone shows them, synced.
    home._post(f"{visit.path}/notes/{note_id}/resolve", choice="current")
    phone.page.get_by_role("button", name="Sync now").click()
    expect(phone.state_of("Bring the MRI disc (home)")).to_have_text("Synced")
    expect(phone.note("Bring the disc and the report")).to_have_count(0)
    for offline in (False, True):
        phone.context.set_offline(offline)
        phone.open_visit(visit)
        expect(phone.state_of("Bring the MRI disc (home)")).to_have_text("Synced")
        expect(phone.page.get_by_text(WAITING)).to_have_count(0)
    phone.context.set_offline(False)
    assert not phone.errors


def test_a_note_crossed_elsewhere_shows_as_waiting_on_a_phone_that_kept_its_page(home, phone):
    """Two edits crossed at home (an old tab): the phone, which changed nothing, says so too."""
    visit = home.make_visit("Crossed at home")
    home._post(f"{visit.path}/notes", text="Bring the inhaler")
    note_id = home.summary(visit)["note_ids"][0]
    edit = f"{visit.path}/notes/{note_id}/edit"
    home._post(edit, text="Bring the blue inhaler", base_version="1")
    phone.ready_for(visit)
    expect(phone.state_of("Bring the blue inhaler")).to_have_text("Synced")

    home._post(edit, text="Bring both inhalers", base_version="1")
    phone.page.get_by_role("button", name="Sync now").click()
    expect(phone.state_of("Bring the blue inhaler")).to_have_text(WAITING)
    phone.context.set_offline(True)  # the page kept from before, and the phone's copy
    phone.open_visit(visit)
    expect(phone.state_of("Bring the blue inhaler")).to_have_text(WAITING)
    phone.context.set_offline(False)
    assert not phone.errors


def test_a_delete_that_crossed_an_edit_keeps_the_note_in_view_until_settled(home, phone):
    visit = home.make_visit("Crossed delete")
    home._post(f"{visit.path}/notes", text="Call the school nurse")
    note_id = home.summary(visit)["note_ids"][0]
    phone.ready_for(visit)

    phone.context.set_offline(True)
    delete_note(phone, "Call the school nurse")
    home._post(f"{visit.path}/notes/{note_id}/edit", text="Call the school nurse on Monday",
               base_version="1")
    phone.context.set_offline(False)
    phone.sync_until_done()
    expect(phone.state_of("Call the school nurse on Monday")).to_have_text(WAITING)
    phone.open_visit(visit)
    expect(phone.state_of("Call the school nurse on Monday")).to_have_text(WAITING)

    home._post(f"{visit.path}/notes/{note_id}/resolve", choice="current")
    phone.page.get_by_role("button", name="Sync now").click()
    expect(phone.state_of("Call the school nurse on Monday")).to_have_text("Synced")
    assert not phone.errors


def test_tags_chosen_for_an_unsynced_note_stay_when_it_is_edited_before_it_syncs(home, phone):
    visit = home.make_visit("Tagged")
    phone.ready_for(visit)
    phone.context.set_offline(True)
    phone.save_note("Ask about the brace", tags=("diagnosis", "next-step"))
    edit_note(phone, "Ask about the brace", "Ask about the night brace")
    tags = ["Diagnosis", "Next step"]
    expect(phone.note("Ask about the night brace").locator(".tag")).to_have_text(tags)

    phone.context.set_offline(False)
    phone.sync_until_done()
    assert home.summary(visit)["tags"] == {"Ask about the night brace": tags}
    for offline in (False, True):
        phone.context.set_offline(offline)
        phone.open_visit(visit)
        expect(phone.note("Ask about the night brace").locator(".tag")).to_have_text(tags)
    phone.context.set_offline(False)
    assert not phone.errors

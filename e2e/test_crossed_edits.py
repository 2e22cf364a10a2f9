"""A note changed on the phone and at home, and a note changed on the phone before it synced.

The phone says plainly when its edit crossed one made at home (the home
computer keeps both for the family to settle), and shows the settled words
once they are; a tag chosen for a note still on the phone survives an edit of
that note made before it synced.
"""

from playwright.sync_api import expect
from test_two_phones import edit_note


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

"""A capture the server refuses: kept on the phone with the reason; the rest still syncs."""

from phones import new_phone
from playwright.sync_api import expect


def test_an_answer_to_a_question_removed_at_home_shows_why_and_the_rest_syncs(
        browser, browser_context_args, home, shoot):
    """The phone answers a question offline while the home computer removes it."""
    visit = home.make_visit("Removed")
    phone = new_phone(browser, browser_context_args, "phone")
    try:
        phone.ready_for(visit)
        kept, removed = phone.question_ids()
        phone.context.set_offline(True)
        phone.save_answer(removed, "She said yes, in March")
        phone.save_note("A note that must still arrive")

        home._post(f"{visit.path}/questions/{removed}/delete")

        phone.context.set_offline(False)
        phone.sync_until_done()
        answer = phone.page.locator(f"#answers-{removed} li[data-capture-id]")
        expect(answer.locator("[data-sync-state]")).to_have_text(
            "Not saved: This question is no longer on the list.")
        expect(phone.state_of("A note that must still arrive")).to_have_text("Synced")
        expect(phone.page.locator("#sync-bar [data-sync-summary]")).to_contain_text(
            "Everything is synced")
        shoot(phone.page, "offline-08-rejected-answer")
        held = home.summary(visit)
        assert held["notes"] == ["A note that must still arrive"]
        assert held["answers"] == []
        assert kept
    finally:
        phone.context.close()

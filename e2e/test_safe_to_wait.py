"""A new case asks "is it safe to wait?" first, alone, and when the care team said
treatment should not wait, says calmly what to do now before the rest (issue 19)."""

import re

import pytest
from phones import sign_in
from playwright.sync_api import expect

from tests.days import years_ago

WAIT_NOW = "Talk to your child's care team today"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_no_time_to_wait_says_what_to_do_now_first(browser, browser_context_args, seed, axe,
                                                   shoot, size):
    seed.household()
    child_id = seed.child(f"Mina Waits ({size})", years_ago(9, 6, 1))
    args = browser_context_args if size == "phone" else {
        "base_url": browser_context_args["base_url"], "viewport": {"width": 1280, "height": 900}}
    context = browser.new_context(**args)
    try:
        page = sign_in(context.new_page(), f"/children/{child_id}")
        page.get_by_role("link", name="Add a health question").click()
        form = page.locator("form", has=page.get_by_label("The diagnosis so far"))
        first = form.locator("input:not([type=hidden]), textarea, select").first
        expect(first).to_have_accessible_name("Yes, they said it is safe to wait")
        wait_now = page.get_by_text(WAIT_NOW)
        expect(wait_now).to_be_hidden()

        page.get_by_role("radio", name="No, they said treatment should not wait").check()
        expect(wait_now).to_be_visible()
        expect(page.get_by_role("heading", name="Then treatment comes first")).to_be_visible()
        below = page.get_by_label("The diagnosis so far").bounding_box()["y"]
        assert wait_now.bounding_box()["y"] < below, "what to do now comes before the rest"
        axe.check(page, f"new case, no time to wait ({size})")
        shoot(page, f"before-wait-now-form-{size}")

        page.get_by_role("radio", name="Yes, they said it is safe to wait").check()
        expect(wait_now).to_be_hidden()
        page.get_by_role("radio", name="No, they said treatment should not wait").check()
        page.get_by_label("The condition, in a few words").fill("appendicitis")
        page.get_by_label("The diagnosis so far").fill("Appendicitis")
        page.get_by_role("button", name="Save", exact=True).click()

        expect(page.get_by_role("heading", level=1, name="Appendicitis")).to_be_visible()
        expect(page.get_by_text(WAIT_NOW)).to_be_visible()
        summary = page.get_by_role("heading", name="Summary to read out").bounding_box()["y"]
        assert page.get_by_text(WAIT_NOW).bounding_box()["y"] < summary
        expect(page.get_by_text(re.compile("must not wait for a second opinion"))).to_be_visible()
        axe.check(page, f"case, no time to wait ({size})")
        shoot(page, f"before-wait-now-case-{size}")
    finally:
        context.close()

"""No page breaks the Content-Security-Policy (issue 19): every browser test fails on a
`securitypolicyviolation` (e2e/conftest.py's `no_csp_violation`); these tests check the
guard itself and the case form that used to break it."""

import re
import time

from phones import sign_in
from playwright.sync_api import expect

from tests.days import years_ago


def test_the_guard_sees_an_inline_style(browser, browser_context_args, no_csp_violation):
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        page.goto("/signin")
        page.evaluate("() => document.body.setAttribute('style', 'color: red')")
        deadline = time.monotonic() + 30
        while not no_csp_violation and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert len(no_csp_violation) == 1, no_csp_violation
        assert re.match(r"style-src-attr blocked inline on /(signin|setup) .* at <body ",
                        no_csp_violation[0]), no_csp_violation
    finally:
        context.close()
    no_csp_violation.clear()  # seen, as it should be: the test passes


def test_a_resized_box_on_the_case_form_is_saved_within_the_policy(browser,
                                                                   browser_context_args, seed):
    # Dragging a box's corner gives it an inline height; htmx used to copy that onto
    # the same box of the next page ("settling" it), which the policy forbids.
    seed.household()
    child_id = seed.child("Iris Resize", years_ago(12, 5, 2))
    context = browser.new_context(**browser_context_args)
    try:
        page = sign_in(context.new_page(), f"/children/{child_id}")
        page.get_by_role("link", name="Add a health question").click()
        page.get_by_label("The condition, in a few words").fill("scoliosis")
        page.get_by_label("The diagnosis so far").fill("Scoliosis")
        page.get_by_role("radio", name="Yes, they said it is safe to wait").check()
        worries = page.get_by_label("What worries you most?")
        worries.fill("The operation")
        worries.evaluate("(box) => { box.style.height = '8rem'; }")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("heading", level=1, name="Scoliosis")).to_be_visible()
        page.wait_for_timeout(500)  # the swap's settle step runs just after
    finally:
        context.close()

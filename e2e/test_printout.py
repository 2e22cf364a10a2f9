"""The one-page printout "For this appointment" stays one A4 page as the list grows
(issue 11): rendered to PDF by Chromium, its pages counted."""

import re

import pytest
from playwright.sync_api import expect

LONG_LIST = [
    "diagnosis-agree", "diagnosis-how-sure", "diagnosis-evidence-for", "diagnosis-evidence-against",
    "diagnosis-other-possibilities", "diagnosis-stage-type", "diagnosis-more-tests",
    "treatment-agree", "treatment-alternatives", "treatment-only-cure", "treatment-delay-risk",
    "treatment-no-treatment", "treatment-success", "treatment-side-effects", "treatment-long-term",
    "child-hospital-time", "child-late-effects", "child-growth", "child-school",
    "experience-similar-cases", "next-steps-what-next", "next-steps-send-findings",
    "practical-who-to-call", "practical-insurance",
]


MEDICINES = "\n".join(f"Medicine number {n}, 10 mg twice a day" for n in range(1, 7))
ALLERGIES = "Penicillin (rash)\nPeanuts (swelling)"


@pytest.mark.parametrize("count, long_summary", [
    (6, False), (7, False), (9, False), (12, False), (len(LONG_LIST), False),
    (6, True), (9, True), (len(LONG_LIST), True),
])
def test_a_long_list_still_prints_on_one_page(home, browser, count, long_summary, shoot):
    extra = {"medicines": MEDICINES, "allergies": ALLERGIES,
             "conditions": "Asthma since 2019; eczema"} if long_summary else {}
    label = f"print {count}{' long' if long_summary else ''}"
    visit = home.make_visit(label, keys=LONG_LIST[:count], **extra)
    context = browser.new_context(base_url=home.base_url, viewport={"width": 1280, "height": 900},
                                  storage_state=home.api.storage_state())
    try:
        page = context.new_page()
        page.goto(f"/visits/{visit.id}/questions/print")
        expect(page.locator(".printout__question")).to_have_count(count)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 680, "height": 1000})  # A4's width within its margins
        shoot(page, f"before-printout-{label.replace(' ', '-')}-print")
        pdf = page.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, f"{count} questions: not one page"
    finally:
        context.close()

"""The printout "For this appointment" stays one A4 page up to 24 questions (issue 11),
and past that goes on over numbered pages with nothing lost: rendered to PDF by
Chromium, its pages counted and its text read back (pypdf)."""

import io
import re
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from webapp.services import library

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

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
        pdf = printed(page, visit, count, f"before-printout-{label.replace(' ', '-')}", shoot)
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1, f"{count} questions: not one page"
    finally:
        context.close()


def printed(page, visit, count, name, shoot):
    """Open the printout, save it as print media shows it and as a PDF; return the PDF."""
    page.goto(f"/visits/{visit.id}/questions/print")
    expect(page.locator(".printout__question")).to_have_count(count)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 680, "height": 1000})  # A4's width within its margins
    shoot(page, f"{name}-print")
    pdf = page.pdf(format="A4")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    return pdf


def squeezed(text):
    """Text with no white space (where a PDF breaks a line is not what was written) and
    no ligatures (the PDF's "ﬁ" is the "fi" typed)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# The family's own questions can be long (up to 1,000 characters) and hold any characters.
LONG = [
    "We were told the scan on 3 March showed a 'small change' near the growth plate. "
    "Can you show us on the images where that is, and tell us in plain words what it could "
    "mean for how her leg grows over the next few years? " * 3,
    "Our GP & the physio don't agree about sport: <football>, swimming, cycling. " * 8,
    "Naïve question perhaps, but if we wait three months for the next scan, what are we "
    "watching for at home, and who do we call — day or night — if it gets worse? " * 5,
]


def own_questions(count):
    """`count` different questions of the family's: the first six long, the rest short."""
    return [(f"({n + 1}) " + (LONG[n % len(LONG)] if n < 6 else
             "Could you say which of the test results you read yourself?"))[:1000].strip()
            for n in range(count)]


@pytest.mark.parametrize("library_count, own_count", [(25, 0), (34, 6), (44, 16)])
def test_a_list_past_one_page_goes_on_over_numbered_pages_with_nothing_lost(
        home, browser, shoot, axe, library_count, own_count):
    keys = [key for key in library.questions_by_key()][:library_count]
    own = own_questions(own_count)
    count = library_count + own_count
    visit = home.make_visit(f"pages {count}", keys=keys, own=own, medicines=MEDICINES,
                            allergies=ALLERGIES, conditions="Asthma since 2019; eczema")
    context = browser.new_context(base_url=home.base_url, viewport={"width": 1280, "height": 900},
                                  storage_state=home.api.storage_state())
    try:
        page = context.new_page()
        page.goto(f"/visits/{visit.id}/questions/print")
        expect(page.get_by_text("This list is long, so it prints on more than one page.")) \
            .to_be_visible()
        questions = [text.removeprefix("Top 3").strip() for text in
                     page.locator(".printout__question").all_inner_texts()]
        assert all(text in questions for text in own)
        axe.check(page, f"printout of {count} questions")
        shoot(page, f"before-printout-pages-{count}-screen")
        pdf = printed(page, visit, count, f"before-printout-pages-{count}", shoot)
    finally:
        context.close()

    reader = PdfReader(io.BytesIO(pdf))
    sheets = [squeezed(sheet.extract_text()) for sheet in reader.pages]
    total = len(sheets)
    assert 2 <= total <= 2 + count // 8, f"{count} questions on {total} pages"
    first = sheets[0]
    assert squeezed(visit.child) in first and "Medicines" in first and "Penicillin" in first
    assert all(squeezed(text) in first for text in questions[:3]), "the top 3 on page 1"
    assert "continued" not in first
    for number, sheet in enumerate(sheets, 1):
        assert squeezed(f"Page {number} of {total}") in sheet
        assert number == 1 or squeezed("For this appointment (continued)") in sheet
    for text in questions:  # every question whole, on one page: none cut off or split
        assert sum(squeezed(text) in sheet for sheet in sheets) == 1, text[:60]
    for number, sheet in enumerate(reader.pages, 1):  # and its room to write under it
        assert lowest_question_line(sheet) >= MARGIN + WRITE_SPACE, f"page {number}"


MM = 72 / 25.4  # PDF points in a millimetre
MARGIN, WRITE_SPACE = 15 * MM, 10 * MM  # @page margin; the smallest room to write


def lowest_question_line(sheet):
    """How high above the paper's foot the lowest line of question text sits, in points."""
    heights = []

    def seen(text, cm, tm, _font, _size):
        height = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and MARGIN < height and not text.startswith("Made with Ask Twice"):
            heights.append(height)

    sheet.extract_text(visitor_text=seen)
    return min(heights)

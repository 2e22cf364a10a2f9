"""The printout "For this appointment" gives each question three ruled lines to write
on, says before printing how many pages that takes (and the PDF Chromium prints has
exactly that many), and offers the top questions alone on one page (issue 19): rendered
to PDF by Chromium, its pages counted and its text read back (pypdf)."""

import io
import re
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from webapp.services import library

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
KEYS = list(library.questions_by_key())

MEDICINES = "\n".join(f"Medicine number {n}, 10 mg twice a day" for n in range(1, 7))
ALLERGIES = "Penicillin (rash)\nPeanuts (swelling)"
PX_PER_MM = 96 / 25.4


def said_pages(page):
    """The number of pages the printout says it prints on, before printing."""
    said = page.locator("#printout-count").inner_text()
    number = re.match(r"This prints on (one page|(\d+) pages)", said)
    assert number, said
    return int(number.group(2) or 1)


def printout(browser, home):
    context = browser.new_context(base_url=home.base_url, viewport={"width": 1280, "height": 900},
                                  storage_state=home.api.storage_state())
    return context, context.new_page()


def room_to_write(page):
    """Per question, the ruled lines under it on paper and the smallest one's height in mm."""
    page.emulate_media(media="print")
    rooms = page.locator(".printout__questions > li .write-space").evaluate_all(
        "spaces => spaces.map((space) => [...space.children].map("
        "(line) => line.getBoundingClientRect().height))")
    page.emulate_media(media="screen")
    return [(len(lines), round(min(lines) / PX_PER_MM, 1)) for lines in rooms]


# Short and long lists, with a short and a long summary (a wider sweep, 7 cases, took
# too much of the test command's ten minutes; tests/webapp/test_prepare.py sweeps the
# count itself with Hypothesis).
@pytest.mark.parametrize("count, long_summary", [
    (3, False), (9, False), (24, True), (40, False),
])
def test_the_printout_says_how_many_pages_it_takes_and_gives_room_to_write(
        home, browser, count, long_summary, shoot):
    extra = {"medicines": MEDICINES, "allergies": ALLERGIES,
             "conditions": "Asthma since 2019; eczema"} if long_summary else {}
    label = f"print {count}{' long' if long_summary else ''}"
    visit = home.make_visit(label, keys=KEYS[:count], **extra)
    context, page = printout(browser, home)
    try:
        page.goto(f"/visits/{visit.id}/questions/print")
        said = said_pages(page)
        expect(page.get_by_role("button", name=re.compile(r"^Print th"))).to_have_text(
            "Print this page" if said == 1 else f"Print these {said} pages")
        assert all(lines >= 3 and height >= 7 for lines, height in room_to_write(page)), \
            "three lines of at least 7 mm under every question"
        pdf = printed(page, visit, count, f"before-printout-{label.replace(' ', '-')}", shoot)
    finally:
        context.close()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == said, f"{count} questions: said {said}"
    assert said == 1 or count > 3, "three questions fit one page, even with a long summary"


def test_top_questions_only_fits_one_page_with_room_to_write(home, browser, shoot, axe):
    visit = home.make_visit("print top", keys=KEYS[:40], medicines=MEDICINES,
                            allergies=ALLERGIES)
    context, page = printout(browser, home)
    try:
        page.goto(f"/visits/{visit.id}/questions/print")
        all_pages = said_pages(page)
        assert all_pages > 2, "40 questions with room to write take more than two pages"
        everything = page.locator(".printout__question").all_inner_texts()
        page.get_by_role("link", name="Top questions only, on one page").click()
        expect(page.locator("#printout-count")).to_contain_text("your top")
        assert said_pages(page) == 1
        top = page.locator(".printout__question").all_inner_texts()
        assert 3 <= len(top) < 40 and top == everything[:len(top)]
        expect(page.locator("#printout-count")).to_contain_text(
            f"your top {len(top)} questions, with room to write under each. "
            f"The other {40 - len(top)} stay on your list.")
        assert all(lines >= 3 and height >= 7 for lines, height in room_to_write(page))
        axe.check(page, "printout, top questions only")
        back = page.get_by_role("link", name=f"Print all 40 questions instead ({all_pages} pages)")
        expect(back).to_be_visible()
        pdf = printed(page, visit, len(top), "before-printout-top-only", shoot,
                      query="?questions=top")
    finally:
        context.close()
    sheets = PdfReader(io.BytesIO(pdf)).pages
    assert len(sheets) == 1
    assert all(squeezed(text.removeprefix("Top 3")) in squeezed(sheets[0].extract_text())
               for text in top)


def printed(page, visit, count, name, shoot, query=""):
    """Open the printout, save it as print media shows it and as a PDF; return the PDF."""
    page.goto(f"/visits/{visit.id}/questions/print{query}")
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


@pytest.mark.parametrize("library_count, own_count", [(25, 0), (44, 16)])
def test_a_list_past_one_page_goes_on_over_numbered_pages_with_nothing_lost(
        home, browser, shoot, axe, library_count, own_count):
    keys = KEYS[:library_count]
    own = own_questions(own_count)
    count = library_count + own_count
    visit = home.make_visit(f"pages {count}", keys=keys, own=own, medicines=MEDICINES,
                            allergies=ALLERGIES, conditions="Asthma since 2019; eczema")
    context = browser.new_context(base_url=home.base_url, viewport={"width": 1280, "height": 900},
                                  storage_state=home.api.storage_state())
    try:
        page = context.new_page()
        page.goto(f"/visits/{visit.id}/questions/print")
        said = said_pages(page)
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
    assert total == said >= 2, f"{count} questions on {total} pages, said {said}"
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

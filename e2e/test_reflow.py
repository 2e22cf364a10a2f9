"""Outside checks of the pages' layout (issue 26, items 3 to 5).

- Reflow at 320 px (WCAG 1.4.10): every page the browser tests reach, on the
  home computer and on a paired phone, 320 px wide, scrolls only up and down,
  and each of the header's links is on screen or behind a visible "Menu".
- Forced colours: the expand/collapse markers keep a colour the system chooses.
- The printed comparison: no page ends with a heading.

Screenshots of each page at 320 px are saved in e2e/artifacts/.
"""


import io
import unicodedata
from pathlib import Path

import pytest
from phones import OWNER, HomeComputer, sign_in
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.days import in_days
from webapp.services import accounts, cases, debriefs, decisions, opinions, shortlist, visits

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
OTHER_PARENT = "Alex Taylor-Morgan"
NARROW = {"width": 320, "height": 640}
HEADER_LINKS = ["Home", "Clinicians", "Phones", "This phone", "Help", "Sign out"]
# Long enough to wrap in a doctor's column, as a real opinion does.
SAID = ("Rest for six weeks, then a brace at night for a year, with a scan every three months "
        "and physiotherapy twice a week.")


@pytest.fixture
def two_parents(new_server):
    """A server of its own (a second parent would change what other tests' pages show)."""
    return new_server()


@pytest.fixture
def pages(two_parents):
    """A case with two doctors' opinions, two parents' views, a decision and its
    letters, a debrief and a shortlist: return the paths of the pages that show them."""
    seed = two_parents.seed
    child_id = seed.child("Ines")
    case = seed.case(child_id, "Possible juvenile idiopathic arthritis, knee and ankle",
                     condition="arthritis")
    first = seed.visit(case, "Dr Reflow Abernathy-Okonkwo", day=in_days(-20),
                       questions=["Could you say which of the test results you read yourself?"])
    second = seed.visit(case, "Dr Reflow Lindqvist-Varga", day=in_days(-5))
    with seed.services() as owner:
        row = cases.get_case(owner.household_id, case.id)
        for visit, treatment in ((first, SAID), (second, "A cast for three weeks")):
            held = visits.get_visit(owner.household_id, visit.id)
            opinions.save_opinion(row, clinician_id=held.clinician_id, visit_id=held.id,
                                  topics={"diagnosis": "Stress fracture", "treatment": treatment},
                                  sources={})
        opinion_id = opinions.list_opinions(row)[0].id
        cases.set_doctors(row, *(visits.get_visit(owner.household_id, visit.id).clinician_id
                                 for visit in (first, second)))
        other = accounts.member_for_phone(owner.household_id, new_name=OTHER_PARENT)
        for parent in (owner, other):
            opinions.save_values(row, parent.id, {
                value["key"]: "As little surgery as we can, and school as usual where possible"
                for value, _ in opinions.values_table(row)[1]})
        debriefs.save_debrief(visits.get_visit(owner.household_id, first.id), owner,
                              takeaways="Rest first, no sport for now")
        candidate = shortlist.add_candidate(row, name="Dr Shortlisted Example",
                                            centre="Northgate Spine Centre")
        decision = decisions.decide(row, option="switch", reasons="Shorter, and closer to home",
                                    decided_on=in_days(0), took_part=OWNER)
        ids = {"candidate": candidate.id, "decision": decision.id, "opinion": opinion_id}
    visit = first.path
    return [
        "/", "/help", "/clinicians", "/clinicians/new", "/devices", "/children/new",
        case.child_path, f"{case.child_path}/edit", f"{case.child_path}/cases/new",
        case.path, f"{case.path}/edit", f"{case.path}/visits/new", f"{case.path}/records",
        f"{case.path}/shortlist", f"{case.path}/shortlist/{ids['candidate']}/edit",
        f"{case.path}/letters", f"{case.path}/opinions", f"{case.path}/opinions/new",
        f"/opinions/{ids['opinion']}", f"/opinions/{ids['opinion']}/edit",
        f"{case.path}/compare", f"{case.path}/decision",
        f"/decisions/{ids['decision']}/letters",
        f"/decisions/{ids['decision']}/letters/thank-second",
        visit, f"{visit}/questions", f"{visit}/questions/print", f"{visit}/before",
        f"{visit}/edit", f"{visit}/summary", f"{visit}/debrief", second.path, "/export",
    ]


def header_links(page):
    """The header's links and its "Sign out" button, as a person finds them by name."""
    nav = page.locator(".site-header nav")
    return {name: nav.get_by_role("link", name=name, exact=True, include_hidden=True).or_(
        nav.get_by_role("button", name=name, exact=True, include_hidden=True))
        for name in HEADER_LINKS}


def on_screen(page, locator):
    box = locator.is_visible() and locator.bounding_box()
    return (box and box["x"] >= 0
            and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5)


def unreachable_links(page, expected):
    """The header's links a person cannot see at once, nor after opening a visible "Menu"."""
    links = header_links(page)
    hidden = [name for name in expected if not on_screen(page, links[name])]
    menu = page.get_by_role("button", name="Menu", exact=True)
    if hidden and menu.count() == 1 and on_screen(page, menu):
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        hidden = [name for name in expected if not on_screen(page, links[name])]
        menu.click()
    return hidden


def sideways_faults(page, path, expected, shoot, name):
    """Visit `path` at 320 px: what scrolls sideways or cannot be reached there."""
    page.goto(path)
    expect(page.locator("main h1").first).to_be_visible()
    shoot(page, name)
    faults = []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > NARROW["width"]:
        wide = page.evaluate("""(limit) => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
            .filter((el) => !el.parentElement.closest('*') ||
                el.parentElement.getBoundingClientRect().right <= limit + 0.5)
            .slice(0, 3).map((el) => el.localName + (el.className ? '.' + el.className : ''))""",
                             NARROW["width"])
        faults.append(f"{path} is {width} px wide ({', '.join(wide)})")
    hidden = unreachable_links(page, expected)
    if hidden:
        faults.append(f"{path}: {', '.join(hidden)} off screen with no visible Menu")
    return faults


def test_no_page_scrolls_sideways_at_320_px_on_the_home_computer(
        playwright, browser, two_parents, pages, shoot):
    home = HomeComputer(playwright, browser, two_parents.url).sign_in()
    context = browser.new_context(base_url=home.base_url, viewport=NARROW,
                                  service_workers="block", storage_state=home.api.storage_state())
    try:
        page = context.new_page()
        expected = [name for name in HEADER_LINKS if name != "This phone"]
        faults = [fault for n, path in enumerate(pages) for fault in sideways_faults(
            page, path, expected, shoot, f"reflow-home-{n:02d}{path.replace('/', '-')}")]
    finally:
        context.close()
        home.close()
    assert not faults, "\n".join(faults)


def test_no_page_scrolls_sideways_at_320_px_on_a_paired_phone(
        browser, browser_context_args, two_parents, pages, shoot):
    context = browser.new_context(**{**browser_context_args, "viewport": NARROW,
                                     "base_url": two_parents.url})
    try:
        page = context.new_page()
        sign_in(page, label="phone at 320 px")
        faults = [fault for n, path in enumerate(["/phone", *pages]) for fault in sideways_faults(
            page, path, HEADER_LINKS, shoot, f"reflow-phone-{n:02d}{path.replace('/', '-')}")]
    finally:
        context.close()
    assert not faults, "\n".join(faults)


# The marker is a triangle drawn by one coloured border between two transparent ones:
# forced colours paint every border in the link colour, which makes it a square.
MARKER_SIDES = """(summary) => {
    const style = getComputedStyle(summary, "::before");
    return [style.borderTopColor, style.borderBottomColor, style.borderLeftColor];
}"""
TRANSPARENT = "rgba(0, 0, 0, 0)"


def test_the_expand_markers_stay_triangles_in_forced_colours(home, browser, seed, shoot):
    child_id = seed.child("Noor")
    visit = seed.visit(seed.case(child_id, "Knee pain", condition="knee pain"), "Dr Forced Colours")
    context = browser.new_context(base_url=home.base_url, viewport={"width": 1280, "height": 900},
                                  service_workers="block", storage_state=home.api.storage_state())
    try:
        page = context.new_page()
        page.emulate_media(forced_colors="active")
        page.goto(f"{visit.path}/questions")
        summaries = page.locator(".details > summary")
        expect(summaries.first).to_be_visible()
        summaries.first.click()  # one open, pointing down, and the others closed
        shoot(page, "forced-colours-markers", full_page=False)
        sides = summaries.evaluate_all(f"(all) => all.map({MARKER_SIDES})")
    finally:
        context.close()
    assert sides and all(top == bottom == TRANSPARENT != left for top, bottom, left in sides), \
        f"markers drawn as squares: {sides}"


# Per heading printed, the first row of the table it leads to (what the heading heads).
HEADINGS_AND_ROWS = """(all) => all.filter((h) => h.getClientRects().length).map((h) => {
    const tables = [...document.querySelectorAll("main table")].filter((table) =>
        table.getClientRects().length
        && (h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING));
    const row = tables.length ? tables[0].querySelector("tbody tr > *") : null;
    return [h.innerText, row ? row.innerText : null];
})"""


def squeezed(text):
    """One line as pypdf reads it: ligatures undone, white space as single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def printed_comparison(page, case_path):
    """The comparison as Chromium prints it on A4: [(heading, its table's first row)], each
    page's lines, and the PDF."""
    page.goto(f"{case_path}/compare")
    page.emulate_media(media="print")
    headings = [(squeezed(heading), row and squeezed(row)) for heading, row in
                page.locator("main :is(h1, h2, h3)").evaluate_all(HEADINGS_AND_ROWS)]
    pdf = page.pdf(format="A4")
    page.emulate_media(media="screen")
    sheets = [[squeezed(line) for line in sheet.extract_text().splitlines() if line.strip()]
              for sheet in PdfReader(io.BytesIO(pdf)).pages]
    return headings, sheets, pdf


def page_of(sheets, starts):
    return next((number for number, lines in enumerate(sheets, 1)
                 if any(line.startswith(starts) for line in lines)), None)


def save_opinions(seed, case, held, texts):
    """Write down each visit's doctor's opinion (or change it): the treatment in `texts`."""
    with seed.services() as owner:
        row = cases.get_case(owner.household_id, case.id)
        for visit, treatment in zip(held, texts, strict=True):
            saved = next((opinion for opinion in opinions.list_opinions(row)
                          if opinion.visit_id == visit.id), None)
            clinician = visits.get_visit(owner.household_id, visit.id).clinician_id
            opinions.save_opinion(row, saved, clinician_id=clinician, visit_id=visit.id,
                                  topics={"diagnosis": "Stress fracture", "treatment": treatment},
                                  sources={})


def test_the_printed_comparison_keeps_each_heading_with_its_table(home, browser, seed, shoot):
    """However long the doctors' words, no page ends with a heading, nor parts a heading
    from the table it leads to; and each doctor's column is as wide as the other's."""
    child_id = seed.child("Lila")
    case = seed.case(child_id, "Possible juvenile arthritis", condition="arthritis")
    held = [seed.visit(case, f"Dr Print {name}", day=in_days(-days))
            for name, days in (("Ferreira", 20), ("Nakamura-Jones", 5))]
    with seed.services() as owner:
        row = cases.get_case(owner.household_id, case.id)
        cases.set_doctors(row, *(visits.get_visit(owner.household_id, visit.id).clinician_id
                               for visit in held))
        for parent in accounts.household_members(owner.household_id):
            opinions.save_values(row, parent.id, {
                value["key"]: "As little surgery as we can" for value, _ in
                opinions.values_table(row)[1]})
    context = browser.new_context(base_url=home.base_url, viewport={"width": 1280, "height": 900},
                                  service_workers="block", storage_state=home.api.storage_state())
    faults, values_on = [], set()
    try:
        page = context.new_page()
        # Each step adds a line to a doctor's words, so the end of page 1 falls, line by
        # line, across "What matters to us", its words and its table.
        for lines in range(0, 16, 2):  # (every second length: each PDF costs seconds)
            said = "".join(f"\nLine {n + 1} of what the doctor said." for n in range(lines))
            save_opinions(seed, case, held, (f"Rest for six weeks.{said}", "A cast."))
            headings, sheets, pdf = printed_comparison(page, case.path)
            values_on.add(page_of(sheets, "What matters to us"))
            found = [f"{lines} lines: page {number} ends with the heading {lines_[-1]!r}"
                     for number, lines_ in enumerate(sheets, 1)
                     if lines_[-1] in [heading for heading, _ in headings]]
            found += [f"{lines} lines: {heading!r} on page {page_of(sheets, heading)}, "
                      f"its table from page {page_of(sheets, row)}"
                      for heading, row in headings
                      if row and page_of(sheets, heading) != page_of(sheets, row)]
            if found and not faults:
                (ARTIFACTS / "comparison-heading-parted.pdf").write_bytes(pdf)
            faults += found
        save_opinions(seed, case, held, ("Rest.", SAID))
        page.goto(f"{case.path}/compare")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 680, "height": 1000})  # A4's width within its margins
        shoot(page, "comparison-print")
        widths = page.locator(".compare-table:not(.compare-table--values) thead th").evaluate_all(
            "(all) => all.map((th) => th.getBoundingClientRect().width)")
    finally:
        context.close()
    assert values_on == {1, 2}, f"the steps never moved the values across a page: {values_on}"
    assert not faults, "\n".join(faults)
    topic, *doctors, reading = widths
    assert abs(doctors[0] - doctors[1]) <= 1 and min(doctors) > max(topic, reading), widths

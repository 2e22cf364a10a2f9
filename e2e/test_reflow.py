"""Outside checks of the pages' layout (issue 26, items 3 to 5).

- Reflow at 320 px (WCAG 1.4.10): every page the browser tests reach, on the
  home computer and on a paired phone, 320 px wide, scrolls only up and down,
  and each of the header's links is on screen or behind a visible "Menu".
- Forced colours: the expand/collapse markers keep a colour the system chooses.
- The printed comparison: no page ends with a heading.

Screenshots of each page at 320 px are saved in e2e/artifacts/.
"""


import pytest
from phones import OWNER, sign_in
from playwright.sync_api import expect

from tests.days import in_days
from webapp.services import accounts, cases, debriefs, decisions, opinions, shortlist, visits

OTHER_PARENT = "Alex Taylor-Morgan"
NARROW = {"width": 320, "height": 640}
HEADER_LINKS = ["Home", "Clinicians", "Phones", "This phone", "Help", "Sign out"]
# Long enough to wrap in a doctor's column, as a real opinion does.
SAID = ("Rest for six weeks, then a brace at night for a year, with a scan every three months "
        "and physiotherapy twice a week.")


@pytest.fixture
def pages(seed):
    """A case with two doctors' opinions, each parent's view, a decision and its
    letters, a debrief and a shortlist: return the paths of the pages that show them."""
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
        parents = {parent.name: parent for parent in accounts.household_members(owner.household_id)}
        other = parents.get(OTHER_PARENT) or accounts.member_for_phone(
            owner.household_id, new_name=OTHER_PARENT)
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
        browser, home, pages, shoot):
    context = browser.new_context(base_url=home.base_url, viewport=NARROW,
                                  service_workers="block", storage_state=home.api.storage_state())
    try:
        page = context.new_page()
        expected = [name for name in HEADER_LINKS if name != "This phone"]
        faults = [fault for n, path in enumerate(pages) for fault in sideways_faults(
            page, path, expected, shoot, f"reflow-home-{n:02d}{path.replace('/', '-')}")]
    finally:
        context.close()
    assert not faults, "\n".join(faults)


def test_no_page_scrolls_sideways_at_320_px_on_a_paired_phone(
        browser, browser_context_args, pages, shoot):
    context = browser.new_context(**{**browser_context_args, "viewport": NARROW})
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

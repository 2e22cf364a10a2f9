"""A family's journey in its natural order, from the case to the letters after the
decision, on three screens: the home computer, a parent's phone and a companion's
phone (issue 19, item 1 and 2).

At home: the case, with its short condition name; the current doctor, and a visit
planned with the specialist for the second opinion. The parent's phone pairs by
code and the companion's by invitation, and each takes a note at the visit. At
home again: the specialist's opinion written down first (from the visit), then the
current doctor's (given elsewhere), who is who, the comparison, and the decision
to switch to the second doctor's plan. Each letter then goes to the doctor of its
role and names the other in theirs, and none pastes the description.
"""

import re

import pytest
from phones import OWNER, Visit, new_phone
from playwright.sync_api import expect
from test_after_visit import say_who_is_who
from test_pairing import home_browser, make_code
from test_two_phones import invitation_link, pair_by_code, pair_by_link

from tests.days import in_days, years_ago

CHILD = "Mira"
CONDITION = "scoliosis"
DESCRIPTION = ("Scoliosis, 38 degree curve, found at school check. "
               "Orthopaedic surgeon proposes spinal fusion.")
CURRENT = "Dr Current Hale"
SPECIALIST = "Dr Second Varga"
CENTRE = "Northgate Spine Centre"
COMPANION = "Grandma Rosa"

# Per letter: its title on the letters page, whom it is addressed to, and a phrase
# naming the other doctor in their role.
LETTERS = [
    ("Thank the second doctor", f"Dear {SPECIALIST},",
     f"a copy of your findings to {CURRENT}"),
    ("Tell the current doctor what we decided", f"Dear {CURRENT},",
     f"move to {SPECIALIST}, and will ask for the transfer"),
    ("Ask to move care", f"Dear {CURRENT},", f"should move to {SPECIALIST} at {CENTRE}."),
    ("A short update for family and friends", "Hello everyone,",
     f"{CURRENT}, who cares for {CHILD}, and {SPECIALIST}, who gave the second opinion"),
]


@pytest.fixture
def screens(browser, browser_context_args, home, base_url):
    """The home computer (a wide browser, signed in), a parent's phone, a companion's."""
    context, page = home_browser(browser, base_url)
    parent = new_phone(browser, browser_context_args, "parent's phone")
    companion = new_phone(browser, browser_context_args, "companion's phone")
    yield page, parent, companion
    for each in (companion.context, parent.context, context):
        each.close()


def write_opinion(page, link, diagnosis, treatment, whose=None):
    page.get_by_role("link", name=link).click()
    if whose:
        select = page.get_by_label("Whose opinion")
        select.select_option(select.locator("option", has_text=whose).get_attribute("value"))
    page.get_by_role("textbox", name=re.compile("^Diagnosis")).fill(diagnosis)
    page.get_by_role("textbox", name=re.compile("^Recommended treatment")).fill(treatment)
    page.get_by_role("button", name="Save this opinion").click()
    expect(page.locator(".opinion")).to_contain_text(treatment)
    page.get_by_role("link", name=re.compile("^Opinions:")).click()


def test_from_the_case_to_the_letters_on_three_screens(screens, home, seed, axe, shoot):
    page, parent, companion = screens
    child_id = seed.child(CHILD, years_ago(13, 2, 9))
    home._post("/clinicians", name=CURRENT, specialty="Orthopaedics")

    # The case, at home, with its short name beside the description.
    page.goto(f"/children/{child_id}")
    page.get_by_role("link", name="Add a health question").click()
    page.get_by_label("The condition, in a few words").fill(CONDITION)
    page.get_by_label("The diagnosis so far").fill(DESCRIPTION)
    page.get_by_label("The treatment they propose").fill("Spinal fusion")
    page.get_by_role("radio", name="Yes, they said it is safe to wait").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Condition: {CONDITION}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_path = re.search(r"/cases/\d+$", page.url).group(0)

    # A visit with the specialist, for the second opinion.
    page.get_by_role("link", name="Plan a visit").click()
    page.get_by_role("link", name="Add a clinician").click()
    page.get_by_label("Name").fill(SPECIALIST)
    page.get_by_label("Specialty").fill("Spine surgery")
    page.get_by_label("Hospital or centre").fill(CENTRE)
    page.get_by_role("button", name="Save clinician").click()
    seeing = page.get_by_label("Who are you seeing?")
    seeing.select_option(seeing.locator("option", has_text=SPECIALIST).get_attribute("value"))
    page.get_by_label("Date").fill(in_days(0).isoformat())
    page.get_by_label("Time").fill("10:30")
    page.get_by_role("button", name="Save and prepare questions").click()
    expect(page).to_have_url(re.compile(r"/visits/\d+/questions$"))
    visit_id = int(re.search(r"/visits/(\d+)/questions$", page.url).group(1))
    visit = Visit(visit_id, SPECIALIST, CHILD)

    # The parent's phone by code, the companion's by invitation to this case.
    _, code = make_code(page, whose=OWNER)
    assert pair_by_code(parent, code, "Sam's phone")["author"] == OWNER
    page.goto(case_path)
    page.get_by_label("Their name").fill(COMPANION)
    page.get_by_role("button", name="Invite them").click()
    assert pair_by_link(companion, invitation_link(page))["author"] == COMPANION

    # At the visit, each phone takes a note; both reach home.
    for phone, text in ((parent, "She would wait and brace"),
                        (companion, "Brace for 18 hours a day")):
        phone.open_visit(visit)
        phone.save_note(text)
        phone.sync_until_done()
    page.goto(f"{visit.path}/summary")
    expect(page.get_by_text("Brace for 18 hours a day")).to_be_visible()

    # At home: the specialist's opinion first, then the current doctor's.
    page.goto(case_path)
    page.get_by_role("link", name="Each doctor's opinion").click()
    write_opinion(page, re.compile(f"^Write down {SPECIALIST}'s opinion"), "Scoliosis",
                  "A brace, 18 hours a day")
    write_opinion(page, re.compile("^An opinion given elsewhere"), "Scoliosis",
                  "Spinal fusion", whose=CURRENT)
    say_who_is_who(page, CURRENT, SPECIALIST)
    axe.check(page, "opinions with who is who")

    # Side by side: the current doctor's column first, whatever the order of entry.
    page.get_by_role("link", name="Compare them side by side").click()
    columns = page.get_by_role("table", name="What each doctor said, topic by topic"
                               ).locator("thead th")
    expect(columns.nth(1)).to_have_text(f"{CURRENT} (current doctor)")
    expect(columns.nth(2)).to_have_text(f"{SPECIALIST} (second opinion)")

    # The decision: switch to the second doctor's plan.
    page.get_by_role("link", name="Go on to decide").click()
    page.get_by_label("Switch to the second doctor's plan or care").check()
    page.get_by_label("Our reasons").fill("No operation for now.")
    page.get_by_role("button", name="Save our decision").click()
    expect(page.get_by_role("heading", level=1, name="Letters to the doctors")).to_be_visible()
    axe.check(page, "letters after the decision")
    shoot(page, "journey-letters")

    for title, addressee, naming in LETTERS:
        page.get_by_role("link", name=title).click()
        letter = page.get_by_label("The letter")
        # A letter to a doctor opens below the sender and the date; the family's, at the top.
        expect(letter).to_have_value(re.compile(f"(^|\n\n){re.escape(addressee)}\n"))
        text = letter.input_value()
        assert naming in text, text
        assert "found at school" not in text and ".." not in text, text
        page.get_by_role("link", name=re.compile("^Letters:")).click()
    assert parent.errors == [] and companion.errors == []

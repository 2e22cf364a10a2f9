"""Issue 2, a family's phone from the first run to the printable summary.

Each test is one step of that walk, on a phone (a Pixel 7 browser context),
starting from the state a fixture builds with the app's own services (the
rows the earlier steps would have made), so a step that fails stops no other.
Every screen is checked with axe-core and saved as a screenshot in e2e/artifacts/.
"""

import re
from datetime import date, timedelta

import pytest
from phones import OWNER, PASSPHRASE, main_menu, poll, sign_in  # e2e/phones.py
from playwright.sync_api import expect

from tests.days import long_date, years_ago
from webapp.services import capture, visits

CHILD = "Robin Taylor"
BIRTH_DATE = years_ago(10, 5, 14)
DIAGNOSIS = "Possible juvenile idiopathic arthritis in both knees"
TREATMENT = "Methotrexate once a week, and steroid injections into the knees"
OTHER_REASON = "We read that an eye check is needed too, and no one mentioned it."
CLINICIAN = "Dr Amara Okafor"
VISIT_DAY = date.today() + timedelta(days=14)
LIBRARY_PICKS = [
    "Do you agree with the diagnosis? Why, or why not?",
    "How sure are you about the diagnosis?",
    "Could it be something else? What else did you consider?",
]
OWN_QUESTION = "Does the eye check need to happen before treatment starts?"
ORDERED = [LIBRARY_PICKS[0], OWN_QUESTION, LIBRARY_PICKS[2]]  # what step 5 leaves
ANSWER = "Yes: an eye check within six weeks, whatever the treatment."
NOTE = "Start with the eye check. Blood test every 8 weeks on methotrexate."
HOSTILE = "<script>alert(1)</script><b>bold</b>"
TOO_LONG = "a" * 10_001


class FamilyPhone:
    """The family's phone, and what its pages did that they should not."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.dialogs = []
        self.js_errors = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("pageerror", lambda error: self.js_errors.append(str(error)))

    def _on_dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def sign_in(self, then=None):
        """Sign in as the owner, then open `then` (a path) if given; return the page."""
        return sign_in(self.page, then)


@pytest.fixture
def family(browser, browser_context_args, live_server):
    """`family(server=live_server)`: the family's phone on a server. After the test:
    no uncaught script error in its pages and no dialog (typed markup never runs);
    the server's log is checked for tracebacks by conftest's no_traceback_on_the_server."""
    phones = []

    def _family(server=live_server):
        context = browser.new_context(**{**browser_context_args, "base_url": server.url})
        phones.append(FamilyPhone(context))
        return phones[-1]

    yield _family
    for phone in phones:
        phone.context.close()
    for phone in phones:
        assert phone.js_errors == [], "uncaught errors in the page"
        assert phone.dialogs == [], "a dialog opened: typed markup ran as script"


def robins_case(seed):
    """Robin's case, as step 3 leaves it."""
    child_id = seed.child(CHILD, BIRTH_DATE, allergies="Penicillin (rash)")
    return seed.case(child_id, DIAGNOSIS, proposed_treatment=TREATMENT,
                     reasons=["unclear-diagnosis", "several-treatments"],
                     reasons_other=OTHER_REASON)


def robins_visit(seed, questions=ORDERED):
    """The visit with Dr Okafor, its questions as step 5 leaves them."""
    return seed.visit(robins_case(seed), CLINICIAN, day=VISIT_DAY, place="Outpatients, Clinic 3",
                      questions=questions, category="treatment")


def action(verb, question):
    """A per-question button, e.g. "Up: <question>" (Chromium names it "Up : <question>")."""
    return re.compile(rf"^{verb}\s*:\s*{re.escape(question)}$")


def wait_until(page, expression, timeout=30.0):
    """Poll an expression (which may return a Promise: page.evaluate awaits it,
    page.wait_for_function does not) until it is truthy."""
    poll(lambda: page.evaluate(expression), bool, timeout=timeout, what=expression)


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def library_summary(page, title):
    """The <summary> of one library category (<details>)."""
    return page.locator("summary", has_text=title)


def chosen_texts(page):
    """The questions of "Your list", in their order on screen."""
    return page.get_by_role("region", name=re.compile(r"^Your list")).locator(".order-item__text")


def note_list(page):
    return page.get_by_role("region", name="Quick notes").get_by_role("list").last




def test_first_run_set_up(family, new_server, axe, shoot):
    page = family(new_server()).page  # an empty database: the first run
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup$"))
    expect(heading(page, "Welcome to Ask Twice")).to_be_visible()
    axe.check(page, "first-run set-up")
    shoot(page, "01-setup")

    # Sent empty: the messages show, and focus moves to the error summary.
    page.get_by_role("button", name="Set up").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Please check this")
    expect(summary.get_by_role("link", name="Enter your name.")).to_be_visible()
    expect(summary).to_contain_text("passphrase")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Your name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name-error")).to_have_text("Enter your name.")
    axe.check(page, "set-up with errors")
    shoot(page, "02-setup-errors")

    page.get_by_label("Your name").fill(OWNER)
    page.get_by_label("Choose a passphrase").fill(PASSPHRASE)
    page.get_by_label("Type the passphrase again").fill(PASSPHRASE)
    page.get_by_role("button", name="Set up").click()
    expect(heading(page, f"Hello, {OWNER}")).to_be_visible()


def test_home_and_add_child(family, new_server, axe, shoot):
    server = new_server()  # a household with no child yet: only this test's rows
    server.seed.household()
    page = family(server).sign_in()
    expect(page).to_have_url(re.compile(r"/$"))
    axe.check(page, "home (empty)")
    shoot(page, "03-home")

    page.get_by_role("link", name="Add a child").click()
    expect(heading(page, "Add a child")).to_be_visible()
    axe.check(page, "add a child")
    shoot(page, "04-child-new")
    page.get_by_label("Child's name").fill(CHILD)
    page.get_by_label("Date of birth").fill(BIRTH_DATE.isoformat())
    page.get_by_label("Health conditions").fill("Swollen, stiff knees since March")
    page.get_by_label("Current medicines").fill("Ibuprofen 200 mg three times a day")
    page.get_by_label("Allergies").fill("Penicillin (rash)")
    page.get_by_role("button", name="Save child").click()

    expect(heading(page, CHILD)).to_be_visible()
    expect(page.get_by_text(long_date(BIRTH_DATE))).to_be_visible()
    expect(page.get_by_text("Penicillin (rash)")).to_be_visible()
    axe.check(page, "child page")
    shoot(page, "05-child")


def test_add_case(family, seed, axe, shoot):
    child_id = seed.child(CHILD, BIRTH_DATE, allergies="Penicillin (rash)")
    page = family().sign_in(then=f"/children/{child_id}")
    expect(heading(page, CHILD)).to_be_visible()
    page.get_by_role("link", name="Add a health question").click()
    expect(heading(page, f"The health question for {CHILD}")).to_be_visible()
    axe.check(page, "add a case")
    page.get_by_label("The condition, in a few words").fill("juvenile idiopathic arthritis")
    page.get_by_label("The diagnosis so far").fill(DIAGNOSIS)
    page.get_by_label("The treatment they propose").fill(TREATMENT)
    page.get_by_role("checkbox", name=re.compile(r"^The diagnosis is unclear")).check()
    page.get_by_role("checkbox", name=re.compile(r"^There is more than one accepted")).check()
    page.get_by_label("Anything else on your mind?").fill(OTHER_REASON)
    page.get_by_role("radio", name="Yes, they said it is safe to wait").check()
    shoot(page, "06-case-new")
    page.get_by_role("button", name="Save").click()

    expect(heading(page, DIAGNOSIS)).to_be_visible()
    why = page.get_by_role("region", name="Why a second opinion")
    expect(why.get_by_role("listitem")).to_have_count(2)
    expect(why).to_contain_text("The diagnosis is unclear")
    expect(why).to_contain_text("There is more than one accepted treatment")
    expect(why).to_contain_text(OTHER_REASON)
    expect(why).to_contain_text("Yes, they said it is safe to wait")
    axe.check(page, "case page")
    shoot(page, "07-case")


def test_plan_visit_adding_a_clinician(family, new_server, axe, shoot):
    server = new_server()  # a household with no clinician yet: only this test's rows
    case = robins_case(server.seed)
    page = family(server).sign_in(then=case.path)
    expect(heading(page, DIAGNOSIS)).to_be_visible()
    page.get_by_role("link", name="Plan a visit").click()
    expect(heading(page, "Plan a visit")).to_be_visible()
    expect(page.get_by_text("First, add the clinician you will see.")).to_be_visible()
    axe.check(page, "plan a visit, no clinicians yet")
    shoot(page, "08-visit-no-clinicians")

    page.get_by_role("link", name="Add a clinician").click()
    expect(heading(page, "Add a clinician")).to_be_visible()
    axe.check(page, "add a clinician")
    shoot(page, "09-clinician-new")
    page.get_by_label("Name").fill(CLINICIAN)
    page.get_by_label("Specialty").fill("Children's joint and muscle conditions")
    page.get_by_label("Hospital or centre").fill("Northgate Children's Hospital")
    page.get_by_role("button", name="Save clinician").click()

    # Back to the visit form, the new clinician already chosen.
    expect(heading(page, "Plan a visit")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/cases/\d+/visits/new\?clinician_id=\d+$"))
    expect(page.get_by_label("Who are you seeing?").locator("option:checked")).to_contain_text(
        CLINICIAN)
    page.get_by_label("Date").fill(VISIT_DAY.isoformat())
    page.get_by_label("Time").fill("10:30")
    page.get_by_label("Place").fill("Outpatients, Clinic 3")
    axe.check(page, "plan a visit, form")
    shoot(page, "10-visit-new")
    page.get_by_role("button", name="Save and prepare questions").click()

    expect(heading(page, f"Questions for {CLINICIAN}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/visits/\d+/questions$"))


def test_prepare_questions(family, seed, axe, shoot):
    visit = robins_visit(seed, questions=())
    page = family().sign_in(then=f"{visit.path}/questions")
    expect(heading(page, f"Questions for {CLINICIAN}")).to_be_visible()
    axe.check(page, "prepare questions (empty)")
    shoot(page, "11-questions-empty")

    library_summary(page, "The diagnosis").click()
    for text in LIBRARY_PICKS:
        page.get_by_role("checkbox", name=text).check()
    axe.check(page, "prepare questions, library open")
    page.get_by_role("button", name="Add ticked questions").click()
    expect(chosen_texts(page)).to_have_text(LIBRARY_PICKS)
    expect(page.get_by_role("heading", name="Your list (3)")).to_be_visible()

    page.get_by_label("Question", exact=True).fill(OWN_QUESTION)
    page.get_by_label("Group", exact=True).select_option(label="The treatment")
    page.get_by_role("button", name="Add my question").click()
    expect(chosen_texts(page)).to_have_text([*LIBRARY_PICKS, OWN_QUESTION])
    expect(page.get_by_label("Question", exact=True)).to_have_value("")

    # Up twice: the order on screen changes and focus stays on the moved Up button.
    up = page.get_by_role("button", name=action("Up", OWN_QUESTION))
    up.click()
    expect(chosen_texts(page)).to_have_text(
        [LIBRARY_PICKS[0], LIBRARY_PICKS[1], OWN_QUESTION, LIBRARY_PICKS[2]]
    )
    expect(up).to_be_focused()
    up.click()
    expect(chosen_texts(page)).to_have_text(
        [LIBRARY_PICKS[0], OWN_QUESTION, LIBRARY_PICKS[1], LIBRARY_PICKS[2]]
    )
    expect(up).to_be_focused()

    page.get_by_role("button", name=action("Remove", LIBRARY_PICKS[1])).click()
    expect(chosen_texts(page)).to_have_text([LIBRARY_PICKS[0], OWN_QUESTION, LIBRARY_PICKS[2]])
    expect(page.get_by_role("heading", name="Your list (3)")).to_be_visible()
    axe.check(page, "prepare questions, ordered")
    shoot(page, "12-questions-ordered")


def test_appointment_screen(family, seed, axe, shoot):
    visit = robins_visit(seed)
    page = family().sign_in(then=f"{visit.path}/questions")
    page.get_by_role("link", name="Open the appointment screen").click()
    expect(heading(page, re.compile(f"^With {CLINICIAN}"))).to_be_visible()
    assert page.url.endswith(visit.path)
    axe.check(page, "appointment screen")
    shoot(page, "13-appointment")
    shoot(page, "13-appointment-phone-screen", full_page=False)  # what the hand sees

    # The service worker answers the capture forms from here on: local first.
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, "AskTwiceDB.getMeta('device').then(Boolean)")

    # The case summary to read out, full screen, one tap from the top.
    page.get_by_role("link", name="Case summary").click()
    read_out = page.get_by_role("dialog")
    expect(read_out.get_by_text(DIAGNOSIS, exact=True)).to_be_visible()
    read_out.get_by_role("button", name="Close").click()
    expect(read_out).to_be_hidden()

    # The questions in priority order; mark the first asked, answer under it.
    questions = page.get_by_role("region", name="Questions")
    expect(questions.locator(".question__text")).to_have_text(
        [LIBRARY_PICKS[0], OWN_QUESTION, LIBRARY_PICKS[2]]
    )
    first_id = questions.get_by_role("listitem").first.get_attribute("id")
    first = page.locator(f"#{first_id}")
    asked = first.get_by_role("button", name="Asked")
    expect(asked).to_have_accessible_description(LIBRARY_PICKS[0])
    expect(asked).to_have_attribute("aria-pressed", "false")
    asked.click()
    expect(asked).to_have_attribute("aria-pressed", "true")

    # Ticked, it stays in view (under "Asked"), so the answer can still be written.
    first.get_by_text("Write their answer").click()
    first.get_by_label("Their answer").fill(ANSWER)
    first.get_by_role("button", name="Save answer").click()
    expect(first.locator("li.answer")).to_have_count(1)
    expect(first.locator("li.answer")).to_contain_text(ANSWER)
    expect(first.get_by_label("Their answer")).to_have_value("")
    expect(page.locator("#status")).to_have_text("Saved on this phone.")

    # A quick note with two tags.
    page.locator(".visit-bar").get_by_role("link", name="Note").click()
    note_field = page.get_by_label("Note", exact=True)
    expect(note_field).to_be_focused()
    note_field.fill(NOTE)
    page.get_by_label("Diagnosis", exact=True).check()
    page.get_by_label("Next step", exact=True).check()
    page.get_by_role("button", name="Save note").click()
    notes = note_list(page)
    expect(notes.get_by_role("listitem")).to_have_count(1)
    saved = notes.get_by_role("listitem").filter(has_text=NOTE)
    expect(saved.locator(".tag")).to_have_text(["Diagnosis", "Next step"])
    expect(page.locator("#status")).to_have_text("Saved on this phone.")
    expect(saved.locator("[data-sync-state]")).to_have_text(re.compile("On this phone|Synced"))
    expect(note_field).to_have_value("")

    # An empty note: an inline message, nothing stored. (Within a second of a save,
    # a tap on the emptied form is a double tap, dropped quietly: issue 8.)
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Save note").click()
    # The inline message under the field; the status line may say it too.
    expect(page.locator("#note-form").get_by_text("Write a note before saving.")).to_be_visible()
    expect(note_field).to_have_attribute("aria-invalid", "true")
    expect(notes.get_by_role("listitem")).to_have_count(1)

    # 10,001 characters: a clear message, nothing stored, the text kept.
    note_field.fill(TOO_LONG)
    page.get_by_role("button", name="Save note").click()
    too_long = page.locator("#note-form").get_by_text(re.compile(r"too long", re.IGNORECASE))
    expect(too_long).to_be_visible()
    expect(note_field).to_have_value(TOO_LONG)
    expect(notes.get_by_role("listitem")).to_have_count(1)
    axe.check(page, "appointment screen, note too long")
    shoot(page, "14-appointment-note-too-long")

    # Markup typed as a note is shown as text.
    note_field.fill(HOSTILE)
    page.get_by_role("button", name="Save note").click()
    expect(notes.get_by_role("listitem")).to_have_count(2)
    expect(notes.locator(".note__text").filter(has_text="alert(1)")).to_have_text(HOSTILE)
    expect(notes.locator("b")).to_have_count(0)
    expect(notes.locator("script")).to_have_count(0)

    # The composer stayed open for each next note; Close folds it, focus back on "Note".
    page.locator("#note-form").get_by_role("link", name="Close").click()
    expect(note_field).to_be_hidden()
    bar_note = page.locator(".visit-bar").get_by_role("link", name="Note")
    expect(bar_note).to_be_focused()
    expect(bar_note).to_have_attribute("aria-expanded", "false")

    # Consent to record: agreed, then withdrawn.
    consent = page.get_by_role("region", name="Ask before you record")
    expect(consent).to_contain_text("No one has agreed. Do not record.")
    who = consent.get_by_label("Who did you ask?")
    expect(who).to_have_value(CLINICIAN)
    consent.get_by_role("button", name="They agreed").click()
    expect(consent.get_by_text(re.compile(f"^{CLINICIAN} agreed at"))).to_be_visible()
    log = consent.get_by_role("list").last
    expect(log.get_by_role("listitem")).to_have_count(1)
    axe.check(page, "appointment screen, consent given")
    consent.get_by_role("button", name="Record that they withdrew").click()
    expect(consent.get_by_text(re.compile(f"^{CLINICIAN} withdrew permission at"))).to_be_visible()
    expect(log.get_by_role("listitem")).to_have_text([
        re.compile(f"{CLINICIAN} agreed to recording"),
        re.compile(f"{CLINICIAN} withdrew permission"),
    ])
    axe.check(page, "appointment screen, after capture")
    shoot(page, "15-appointment-captured")


def test_printable_summary(family, seed, browser, browser_context_args, axe, shoot):
    visit = robins_visit(seed)
    with seed.services() as owner:  # what step 6 captured, as a sync stores it
        captured = visits.get_visit(owner.household_id, visit.id)
        first = captured.questions[0]
        visits.mark_asked(first, owner, True)
        capture.add_answer(first, owner, ANSWER)
        capture.add_note(captured, owner, NOTE, tags=["diagnosis", "next-step"])
        capture.add_note(captured, owner, HOSTILE)
        capture.record_consent(captured, owner, "agreed", CLINICIAN)
        capture.record_consent(captured, owner, "withdrawn", CLINICIAN)
    phone = family()
    page = phone.sign_in(then=visit.path)
    expect(heading(page, re.compile(f"^With {CLINICIAN}"))).to_be_visible()
    page.get_by_role("button", name="Sync now").click()
    wait_until(page, "AskTwiceDB.pendingCount().then(n => n === 0)")
    expect(page.locator("[data-sync-summary]")).to_contain_text("Everything is synced")
    page.get_by_role("link", name="See the summary").click()
    expect(heading(page, f"Visit with {CLINICIAN}")).to_be_visible()
    axe.check(page, "summary (phone)")
    shoot(page, "16-summary-phone")

    # After the visit, on a wide screen: the same session on a desktop-size window.
    desktop_args = {
        key: value for key, value in browser_context_args.items()
        if key in ("base_url", "service_workers")
    }
    desktop = browser.new_context(
        **desktop_args, viewport={"width": 1280, "height": 900},
        storage_state=phone.context.storage_state(),
    )
    try:
        wide = desktop.new_page()
        wide.on("dialog", phone._on_dialog)
        wide.goto(f"{visit.path}/summary")
        expect(heading(wide, f"Visit with {CLINICIAN}")).to_be_visible()

        answers = wide.get_by_role("region", name="Questions and answers")
        expect(answers).to_contain_text("1 of 3 asked.")
        expect(answers.locator(".question__text")).to_have_text([
            f"{LIBRARY_PICKS[0]} (asked, ticked by {OWNER})", re.compile(re.escape(OWN_QUESTION)),
            re.compile(re.escape(LIBRARY_PICKS[2])),
        ])
        expect(answers.get_by_role("listitem").first).to_contain_text(ANSWER)

        notes = wide.get_by_role("region", name="Notes")
        expect(notes.locator(".note__text")).to_have_text([NOTE, HOSTILE])
        expect(notes.locator("b")).to_have_count(0)
        expect(notes.locator(".tag")).to_have_text(["Diagnosis", "Next step"])

        consent = wide.get_by_role("region", name="Permission to record")
        expect(consent.get_by_role("listitem")).to_have_text([
            # Each entry says who logged it.
            re.compile(rf"{CLINICIAN} agreed to recording \(logged by .+\)$"),
            re.compile(rf"{CLINICIAN} withdrew permission \(logged by .+\)$"),
        ])
        axe.check(wide, "summary (desktop)")
        shoot(wide, "17-summary-desktop")

        wide.emulate_media(media="print")
        shoot(wide, "summary-print")
        assert not wide.get_by_role("navigation", name="Main").is_visible(), "nav shows in print"
        assert not wide.get_by_role("contentinfo").is_visible(), "footer shows in print"
        assert not wide.get_by_role("button", name="Print this summary").is_visible()
        expect(answers).to_be_visible()
        expect(notes).to_be_visible()
        expect(consent).to_be_visible()
    finally:
        desktop.close()


def test_sign_out_and_back_in(family, seed, axe, shoot):
    visit = robins_visit(seed)
    page = family().sign_in(then=visit.path)
    expect(heading(page, re.compile(f"^With {CLINICIAN}"))).to_be_visible()
    main_menu(page).get_by_role("button", name="Sign out").click()
    expect(heading(page, "Sign in")).to_be_visible()

    page.goto(visit.path)
    expect(page).to_have_url(re.compile(r"/signin\?next=(/|%2F)visits(/|%2F)\d+$"))
    expect(heading(page, "Sign in")).to_be_visible()
    axe.check(page, "sign in")
    shoot(page, "18-signin")

    page.get_by_label("Your name").fill(OWNER)
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(f"{visit.path}$"))
    expect(heading(page, re.compile(f"^With {CLINICIAN}"))).to_be_visible()

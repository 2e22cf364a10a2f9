"""Issue 11, before the visit: from a new case to the one-page printout.

Each test is one step of that walk, run on a phone (Pixel 7, 412 px) and on a
desktop-size window, starting from the state a fixture builds with the app's
own services (the rows the earlier steps would have made), so a step that
fails stops no other. Every new screen is checked with axe-core and saved in
e2e/artifacts/ (before-<size>-*.png); the printout is also rendered as a PDF,
which must be exactly one page.
"""

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from phones import OWNER, sign_in
from playwright.sync_api import expect

from tests.days import in_days, long_date, short_date, years_ago
from webapp.services import cases, shortlist

DIAGNOSIS = "Curved spine (scoliosis), 45 degrees"
TREATMENT = "Spinal fusion surgery in the spring"
BIRTH_DATE, SINCE, RECORDS_FROM = years_ago(13, 9, 2), in_days(-300), years_ago(1, 9, 1)
VISIT_DAY = date.today() + timedelta(days=10)
TICKED = [
    "How sure are you about the diagnosis?",
    "Could it be something else? What else did you consider?",
]
WORRY = "A big operation during her exam year"
MEDICINE = ("Paracetamol", "250 mg when needed")
ALLERGY = "Plasters (itchy rash)"
OWN_QUESTION = "Could a brace be tried first, and for how long?"
SURGERY_QUESTION = (
    "If surgery is planned: is it needed, is this the right kind, and is now the right time?")
PREPARED = [SURGERY_QUESTION, OWN_QUESTION, *TICKED]  # the list as the questions' steps leave it
SPECIALIST = "Dr Ines Moreau ({size})"
# The worker's household holds every test's rows: a clinician's name tells them apart.
NUMBERS = itertools.count(1)


class Walk:
    """A browser window of one size, and what the fixtures made for this step."""

    def __init__(self, size, context, seed):
        self.size = size
        self.context = context
        self.seed = seed
        self.page = context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.child = f"Noor {size.title()}"
        self.clinician = f"Dr Lena Park ({size} {next(NUMBERS)})"
        self.child_id = self.case_path = self.visit_path = None

    def shot(self, shoot, name, **kwargs):
        return shoot(self.page, f"before-{self.size}-{name}", **kwargs)

    def sign_in(self, then=None):
        return sign_in(self.page, then)

    def with_child(self, lists=True):
        """Noor, with her medicine and her allergy on her lists unless `lists` is false."""
        self.child_id = self.seed.child(self.child, BIRTH_DATE)
        if lists:
            with self.seed.services() as owner:
                child = cases.get_child(owner.household_id, self.child_id)
                cases.add_list_item(child, "medicine", MEDICINE[0], MEDICINE[1],
                                    since=SINCE)
                cases.add_list_item(child, "allergy", ALLERGY)
        return self

    def with_visit(self, questions=PREPARED):
        """Noor's case (surgery proposed) and a visit with Dr Park holding `questions`."""
        self.with_child()
        case = self.seed.case(self.child_id, DIAGNOSIS, proposed_treatment=TREATMENT,
                              reasons=["surgery-proposed"], condition="scoliosis")
        with self.seed.services() as owner:
            cases.save_view(cases.get_case(owner.household_id, case.id), owner, worries=WORRY)
        visit = self.seed.visit(case, self.clinician, day=VISIT_DAY,
                                start_time=time(9, 15), place="Spine clinic, level 2",
                                questions=questions)
        self.case_path, self.visit_path = case.path, visit.path
        return self


@pytest.fixture(params=["phone", "desktop"])
def walk(request, browser, browser_context_args, seed):
    seed.household()
    if request.param == "phone":
        args = browser_context_args
    else:
        args = {key: value for key, value in browser_context_args.items()
                if key in ("base_url", "service_workers")}
        args["viewport"] = {"width": 1280, "height": 900}
    context = browser.new_context(**args)
    walk = Walk(request.param, context, seed)
    yield walk
    context.close()
    assert walk.errors == [], "uncaught errors in the page"


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def chosen_texts(page):
    return page.get_by_role("region", name=re.compile(r"^Your list")).locator(".order-item__text")


def test_sign_in_and_add_a_child(walk, axe, shoot):
    page = walk.sign_in(then="/children/new")
    page.get_by_label("Child's name").fill(walk.child)
    page.get_by_label("Date of birth").fill(BIRTH_DATE.isoformat())
    page.get_by_role("button", name="Save child").click()
    expect(heading(page, walk.child)).to_be_visible()


def test_medicines_and_allergies(walk, axe, shoot):
    walk.with_child(lists=False)
    page = walk.sign_in(then=f"/children/{walk.child_id}")
    medicines = page.get_by_role("region", name="Medicines")
    medicines.locator("summary", has_text="Add a medicine").click()
    medicines.get_by_label("Medicine", exact=True).fill(MEDICINE[0])
    medicines.get_by_label("Dose").fill(MEDICINE[1])
    medicines.get_by_label("Since when").fill(SINCE.isoformat())
    medicines.get_by_role("button", name="Add a medicine").click()
    added = medicines.get_by_role("listitem").filter(has_text=MEDICINE[0])
    expect(added).to_contain_text(f"{MEDICINE[1]} · since {long_date(SINCE)}")
    expect(added).to_be_focused()

    allergies = page.get_by_role("region", name="Allergies")
    allergies.locator("summary", has_text="Add an allergy").click()
    allergies.get_by_role("button", name="Add an allergy").click()  # empty: explained
    expect(allergies.get_by_text("Write its name.")).to_be_visible()
    expect(allergies.get_by_label("Allergic to")).to_be_focused()
    axe.check(page, f"child page, allergy error ({walk.size})")
    allergies.get_by_label("Allergic to").fill(ALLERGY)
    allergies.get_by_role("button", name="Add an allergy").click()
    expect(allergies.get_by_role("listitem")).to_have_text([re.compile(re.escape(ALLERGY))])
    axe.check(page, f"child page with lists ({walk.size})")
    walk.shot(shoot, "00-child-lists")


def test_new_case_and_visit(walk, axe, shoot):
    walk.with_child()
    page = walk.sign_in(then=f"/children/{walk.child_id}")
    page.get_by_role("link", name="Add a health question").click()
    page.get_by_label("The condition, in a few words").fill("scoliosis")
    page.get_by_label("The diagnosis so far").fill(DIAGNOSIS)
    page.get_by_label("The treatment they propose").fill(TREATMENT)
    page.get_by_role("checkbox", name=re.compile(r"^Surgery has been proposed")).check()
    page.get_by_role("radio", name="Yes, they said it is safe to wait").check()
    expect(page.get_by_text("Hoping for better news is very human.", exact=False)).to_be_visible()
    page.get_by_label("What worries you most?").fill(WORRY)
    axe.check(page, f"new case ({walk.size})")
    walk.shot(shoot, "00-case-new")
    page.get_by_role("button", name="Save").click()
    expect(heading(page, DIAGNOSIS)).to_be_visible()
    views = page.get_by_role("region", name="How each of us sees it")
    expect(views).to_contain_text(f"{OWNER}")
    expect(views).to_contain_text(WORRY)
    axe.check(page, f"case overview ({walk.size})")
    walk.shot(shoot, "00-case")

    page.get_by_role("link", name="Plan a visit").click()
    expect(heading(page, "Plan a visit")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"Add a clinician$")).click()
    page.get_by_label("Name").fill(walk.clinician)
    page.get_by_role("button", name="Save clinician").click()
    page.get_by_label("Who are you seeing?").select_option(label=walk.clinician)
    page.get_by_label("Date").fill(VISIT_DAY.isoformat())
    page.get_by_label("Time").fill("09:15")
    page.get_by_label("Place").fill("Spine clinic, level 2")
    page.get_by_role("button", name="Save and prepare questions").click()
    expect(page).to_have_url(re.compile(r"/visits/\d+/questions$"))


def test_ticks_stay_when_an_own_question_is_added_first(walk, axe, shoot):
    walk.with_visit(questions=())
    page = walk.sign_in(then=f"{walk.visit_path}/questions")
    page.locator("summary", has_text="The diagnosis").click()
    for text in TICKED:
        page.get_by_role("checkbox", name=text, exact=True).check()
    page.get_by_label("Question", exact=True).fill(OWN_QUESTION)
    page.get_by_role("button", name="Add my question").click()
    expect(chosen_texts(page)).to_have_text([OWN_QUESTION])
    # The ticks made before are still there, and the category stays open.
    for text in TICKED:
        expect(page.get_by_role("checkbox", name=text, exact=True)).to_be_checked()
    page.get_by_role("button", name="Add ticked questions").click()
    expect(chosen_texts(page)).to_have_text([OWN_QUESTION, *TICKED])
    axe.check(page, f"prepare questions ({walk.size})")


def test_suggested_questions_and_top_three(walk, axe, shoot):
    walk.with_visit(questions=[OWN_QUESTION, *TICKED])
    page = walk.sign_in(then=f"{walk.visit_path}/questions")
    suggested = page.get_by_role("group", name="Suggested for this case")
    expect(suggested).to_contain_text("Surgery has been proposed")
    suggested.get_by_role("checkbox", name=SURGERY_QUESTION).check()
    page.get_by_role("button", name="Add ticked questions").click()
    expect(chosen_texts(page)).to_have_text([OWN_QUESTION, *TICKED, SURGERY_QUESTION])
    expect(suggested.get_by_role("checkbox", name=SURGERY_QUESTION)).to_have_count(0)
    # The surgery question to the top: Up three times; it becomes one of the top 3.
    up = page.get_by_role("button", name=re.compile(rf"^Up\s*:\s*{re.escape(SURGERY_QUESTION)}$"))
    order = [OWN_QUESTION, *TICKED, SURGERY_QUESTION]
    for place in (2, 1, 0):
        up.click()
        order.remove(SURGERY_QUESTION)
        order.insert(place, SURGERY_QUESTION)
        expect(chosen_texts(page)).to_have_text(order)
        expect(up).to_be_focused()
    tops = page.locator(".order-item--top .order-item__text")
    expect(tops).to_have_text([SURGERY_QUESTION, OWN_QUESTION, TICKED[0]])
    axe.check(page, f"prepare questions, ordered ({walk.size})")
    walk.shot(shoot, "01-questions")


def test_one_page_printout(walk, axe, shoot):
    walk.with_visit()
    page = walk.sign_in(then=f"{walk.visit_path}/questions")
    page.get_by_role("link", name="Print for this appointment").click()
    expect(heading(page, "For this appointment")).to_be_visible()
    about = page.get_by_role("region", name=f"About {walk.child}")
    expect(about).to_contain_text(DIAGNOSIS)
    expect(about).to_contain_text(f"{MEDICINE[0]}, {MEDICINE[1]} (since {short_date(SINCE)})")
    expect(about).to_contain_text(ALLERGY)
    questions = page.get_by_role("region", name="Our questions, most important first")
    expect(questions.locator(".printout__question")).to_have_text(
        [f"Top 3 {SURGERY_QUESTION}", f"Top 3 {OWN_QUESTION}", f"Top 3 {TICKED[0]}", TICKED[1]])
    axe.check(page, f"printout ({walk.size})")
    walk.shot(shoot, "02-printout")

    page.emulate_media(media="print")
    try:
        walk.shot(shoot, "03-printout-print")
        assert not page.get_by_role("navigation", name="Main").is_visible()
        assert not page.get_by_role("button", name="Print this page").is_visible()
        pdf = page.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the printout is not one page"
    finally:
        page.emulate_media(media="screen")


def test_before_the_visit_checklist_and_calendar(walk, axe, shoot):
    page = walk.with_visit().sign_in(then=walk.case_path)
    page.get_by_role("link", name=re.compile(r"^Before the visit")).first.click()
    expect(heading(page, "Before the visit")).to_be_visible()
    checklist = page.get_by_role("region", name="Checklist")
    expect(checklist).to_contain_text("0 of 5 done")
    expect(checklist).to_contain_text("4 questions on your list")
    insurance = checklist.get_by_role("button", name=re.compile(r"^We checked what insurance"))
    expect(insurance).to_have_attribute("aria-pressed", "false")
    insurance.click()
    expect(page.get_by_role("region", name="Checklist")).to_contain_text("1 of 5 done")
    insurance = page.get_by_role("button", name=re.compile(r"^We checked what insurance"))
    expect(insurance).to_have_attribute("aria-pressed", "true")
    expect(insurance).to_be_focused()
    axe.check(page, f"before the visit ({walk.size})")
    walk.shot(shoot, "04-before-the-visit")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics file)").click()
    download = download_info.value
    assert download.suggested_filename == f"visit-{VISIT_DAY.isoformat()}.ics"
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    start = datetime.combine(VISIT_DAY, time(9, 15)).astimezone(UTC)  # this computer's time
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\n".encode() in body
    assert DIAGNOSIS.encode() not in body


def test_reschedule_and_the_question_before_removing(walk, axe, shoot):
    page = walk.with_visit().sign_in(then=f"{walk.visit_path}/before")
    page.get_by_role("link", name="Change the date or place").click()
    expect(heading(page, "Change the visit")).to_be_visible()
    page.get_by_label("Date").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date of the visit.")
    axe.check(page, f"change the visit, error ({walk.size})")
    page.get_by_label("Date").fill(VISIT_DAY.isoformat())
    page.get_by_label("Time").fill("09:45")
    page.get_by_role("button", name="Save changes").click()
    expect(heading(page, "Before the visit")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("09:45")

    page.get_by_role("link", name="Remove this visit…").click()
    expect(heading(page, "Remove this visit?")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="4 prepared questions")).to_be_visible()
    axe.check(page, f"remove a visit? ({walk.size})")
    walk.shot(shoot, "05-remove-visit")
    page.get_by_role("link", name="No, keep it").click()
    expect(heading(page, "Before the visit")).to_be_visible()


def test_scripts_and_letters_for_the_current_doctor(walk, axe, shoot):
    page = walk.with_visit().sign_in(then=walk.case_path)
    page.get_by_role("link", name=re.compile(r"^Talk to the current doctor")).click()
    expect(heading(page, "Talk to the current doctor")).to_be_visible()
    page.get_by_label("Who the letters go to").fill("Dr Ruth Adeyemi")
    page.get_by_label("Records from").fill(RECORDS_FROM.isoformat())
    page.get_by_role("button", name="Fill in").click()
    records = page.get_by_role("region", name="Letter asking for the records")
    letter = records.get_by_label(re.compile(r"^The letter"))
    expect(letter).to_have_value(re.compile(r"Dear Dr Ruth Adeyemi,"))
    expect(letter).to_have_value(
        re.compile(rf"{walk.child}, born {long_date(BIRTH_DATE)}, from {long_date(RECORDS_FROM)}"))
    axe.check(page, f"scripts and letters ({walk.size})")
    walk.shot(shoot, "06-letters")

    walk.context.grant_permissions(["clipboard-read", "clipboard-write"])
    records.get_by_role("button", name="Copy").click()
    expect(page.locator("#status")).to_have_text(re.compile(r"^Copied\."))
    assert "Dear Dr Ruth Adeyemi," in page.evaluate("navigator.clipboard.readText()")

    letter.fill(letter.input_value().replace("Thank you.", "Thank you very much."))
    records.get_by_role("button", name="Save my wording").click()
    records = page.get_by_role("region", name="Letter asking for the records")
    expect(records.get_by_label(re.compile(r"^The letter \(your wording\)"))).to_have_value(
        re.compile("Thank you very much."))
    records.get_by_role("link", name="Print").click()
    expect(page.locator(".letter")).to_contain_text("Thank you very much.")
    axe.check(page, f"a letter to print ({walk.size})")
    page.emulate_media(media="print")
    try:
        walk.shot(shoot, "07-letter-print")
        assert not page.get_by_role("banner").is_visible()
    finally:
        page.emulate_media(media="screen")


def test_specialist_shortlist_and_trials_link(walk, axe, shoot):
    page = walk.with_visit().sign_in(then=walk.case_path)
    page.get_by_role("link", name="Finding the specialist").click()
    expect(heading(page, "Finding the specialist")).to_be_visible()
    page.get_by_role("button", name="Add to the shortlist").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the specialist's name.")
    specialist = SPECIALIST.format(size=walk.size)
    page.get_by_label("Name", exact=True).fill(specialist)
    page.get_by_label("Hospital or centre").fill("Lyon Children's Hospital")
    page.get_by_role("group", name="Board certified in this specialty?").get_by_label("Yes").check()
    page.get_by_label("How we found them").fill("Our doctor's referral")
    page.get_by_role("button", name="Add to the shortlist").click()
    card = page.get_by_role("article", name=specialist)
    expect(card).to_contain_text("Our doctor's referral")
    trials = page.get_by_role("link", name=re.compile(r"^Search ClinicalTrials\.gov"))
    expect(trials).to_have_attribute("href", re.compile(r"^https://clinicaltrials\.gov/search\?cond=scoliosis&"))
    axe.check(page, f"specialist shortlist ({walk.size})")
    walk.shot(shoot, "08-shortlist")

    card.get_by_role("button", name=f"Choose and plan a visit with {specialist}").click()
    expect(heading(page, "Plan a visit")).to_be_visible()
    chosen = page.get_by_label("Who are you seeing?").locator("option:checked")
    expect(chosen).to_have_text(specialist)


def test_records_checklist_and_what_is_still_missing(walk, axe, shoot):
    page = walk.with_visit().sign_in(then=walk.case_path)
    page.get_by_role("link", name="Records", exact=True).click()
    expect(heading(page, "Records")).to_be_visible()
    page.get_by_role("button", name="Start with the usual list").click()
    missing = page.get_by_role("region", name="Still missing before the visit")
    expect(missing).to_contain_text("Scans and X-rays")
    scans = page.get_by_role("article", name=re.compile(r"^Scans and X-rays"))
    scans.get_by_label("Where it is now").select_option(label="Specialist confirmed they have it")
    scans.get_by_label("Who has it").fill("Spine clinic")
    scans.get_by_role("button", name=re.compile(r"^Save")).click()
    scans = page.get_by_role("article", name=re.compile(r"^Scans and X-rays"))
    expect(scans).to_contain_text("Specialist confirmed they have it")
    missing = page.get_by_role("region", name="Still missing before the visit")
    expect(missing).not_to_contain_text("Scans and X-rays")
    axe.check(page, f"records ({walk.size})")

    # A photo of the scan report, sent in pieces by the page's script; a wrong type is refused.
    scans.get_by_label("A photo or PDF of it").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "image/png", "buffer": b"not a picture"}])
    scans.get_by_role("button", name=re.compile(r"^Attach")).click()
    expect(page.locator("#status")).to_have_text("Please send a photo (JPEG or PNG) or a PDF.")
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2000  # over 500 KB: several pieces
    scans.get_by_label("A photo or PDF of it").set_input_files(
        files=[{"name": "scan-report.png", "mimeType": "image/png", "buffer": photo}])
    scans.get_by_role("button", name=re.compile(r"^Attach")).click()
    scans = page.get_by_role("article", name=re.compile(r"^Scans and X-rays"))
    expect(scans.get_by_role("link", name="scan-report.png")).to_be_visible()
    walk.shot(shoot, "09-records")

    # A record the family does not need: removed after a question that says what goes.
    operations = page.get_by_role("article", name="Operation reports")
    operations.get_by_role("link", name="Remove this record… Operation reports").click()
    expect(heading(page, "Remove this record?")).to_be_visible()
    expect(page.get_by_text("the record: Operation reports, with its dates and note")) \
        .to_be_visible()
    axe.check(page, f"remove a record? ({walk.size})")
    page.get_by_role("button", name="Yes, remove it").click()
    expect(heading(page, "Records")).to_be_visible()
    expect(page.get_by_role("article", name="Operation reports")).to_have_count(0)
    expect(page.get_by_role("article", name=re.compile(r"^Scans and X-rays"))).to_be_visible()



def test_every_change_form_is_accessible(walk, axe, shoot):
    walk.with_visit()
    with walk.seed.services() as owner:
        case = cases.get_case(owner.household_id, int(walk.case_path.rsplit("/", 1)[1]))
        shortlist.add_candidate(case, name=SPECIALIST.format(size=walk.size),
                                board_certified="yes")
    page = walk.sign_in(then=walk.case_path)
    page.get_by_role("link", name="Change the health question").click()
    expect(heading(page, f"Change the health question for {walk.child}")).to_be_visible()
    expect(page.get_by_role("radio", name="Yes, they said it is safe to wait")).to_be_checked()
    axe.check(page, f"change the case ({walk.size})")
    page.go_back()
    page.get_by_role("link", name="Remove it…").click()
    expect(heading(page, "Remove this health question?")).to_be_visible()
    axe.check(page, f"remove the case? ({walk.size})")

    page.goto(walk.case_path)
    page.locator(".breadcrumb").get_by_role("link", name=walk.child).click()
    page.get_by_role("link", name=f"Change {walk.child}'s details").click()
    expect(page.get_by_label("Child's name")).to_have_value(walk.child)
    axe.check(page, f"change the child ({walk.size})")
    page.go_back()
    page.get_by_role("link", name=f"Change: {MEDICINE[0]}").click()
    expect(page.get_by_label("Dose")).to_have_value(MEDICINE[1])
    axe.check(page, f"change a medicine ({walk.size})")

    page.goto("/clinicians")
    page.get_by_role("link", name=re.compile(rf"^Change\s*{re.escape(walk.clinician)}")).click()
    expect(page.get_by_label("Name")).to_have_value(walk.clinician)
    axe.check(page, f"change a clinician ({walk.size})")

    page.goto(f"{walk.case_path}/shortlist")
    page.get_by_role("link", name=f"Change: {SPECIALIST.format(size=walk.size)}").click()
    expect(page.get_by_role("radio", name="Yes").first).to_be_checked()
    axe.check(page, f"change a specialist ({walk.size})")

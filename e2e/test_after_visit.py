"""After the visits, at home on a wide screen and on a phone: from the debrief to letters.

One walk: a debrief right after the first visit, then each doctor's opinion
(one topic linked to a visit's note), the comparison (a topic marked "differ"
comes first with a drafted question), a parent's view, the decision, then a
letter edited, copied and printed; the same screens on a phone; then the
export button. axe-core runs on every screen; print-media screenshots of the
comparison and a letter are saved in e2e/artifacts/.
"""

import io
import json
import re
import zipfile

import pytest
from phones import OWNER
from playwright.sync_api import expect

from tests.days import in_days

WIDE = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def family_case(home):
    """One case with two visits (two doctors) and a note at the second visit."""
    first = home.make_visit("Opinions")
    summary = home.api.get(f"{first.path}/summary").text()
    case_id = re.search(r'href="/cases/(\d+)"', summary).group(1)
    form = home._post("/clinicians", name="Dr Second Lindqvist",
                      next=f"/cases/{case_id}/visits/new")
    option = re.search(r'<option value="(\d+)"[^>]*>Dr Second Lindqvist', form.text()).group(1)
    made = home._post(f"/cases/{case_id}/visits", clinician_id=option, day=in_days(1).isoformat(),
                      place="Clinic 9")
    second_id = re.search(r"/visits/(\d+)/questions$", made.url).group(1)
    home._post(f"/visits/{second_id}/notes", text="She would shorten the treatment")
    return {"case_id": case_id, "first": first.clinician, "second": "Dr Second Lindqvist",
            "first_path": first.path}


def opened(browser, home, **context_args):
    context = browser.new_context(base_url=home.base_url, service_workers="block",
                                  storage_state=home.api.storage_state(), **context_args)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def write_opinion(page, axe, shoot, who, diagnosis, treatment, link_note=None):
    page.get_by_role("link", name=re.compile(f"^Write down {re.escape(who)}'s opinion")).click()
    expect(page.get_by_role("heading", level=1, name=f"{who}'s opinion")).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Diagnosis")).fill(diagnosis)
    page.get_by_role("textbox", name=re.compile("^Recommended treatment")).fill(treatment)
    if link_note:
        sources = page.locator("details.sources",
                               has_text="Notes and answers behind “Recommended treatment”")
        sources.locator("summary").click()
        sources.get_by_label(re.compile(f"Note: {re.escape(link_note)}")).check()
    axe.check(page, f"{who}'s opinion form")
    page.get_by_role("button", name="Save this opinion").click()
    expect(page.get_by_role("heading", level=1, name=f"{who}'s opinion")).to_be_visible()
    expect(page.locator(".opinion")).to_contain_text(treatment)
    if link_note:
        expect(page.locator(".opinion__sources")).to_contain_text(link_note)
        shoot(page, "after-visit-00-opinion-with-its-source-wide")
    axe.check(page, f"{who}'s opinion")
    page.get_by_role("link", name=re.compile("^Opinions:")).click()


def say_who_is_who(page, current, second):
    """Answer "Who is who" on the opinions page: the current doctor, the second opinion."""
    roles = (("Your child's current doctor", current),
             ("The doctor who gave the second opinion", second))
    chosen = []
    for label, name in roles:
        select = page.get_by_label(label, exact=True)
        chosen.append(select.locator("option", has_text=name).get_attribute("value"))
        select.select_option(chosen[-1])
    page.get_by_role("button", name="Save who is who").click()
    expect(page.locator(".card__title", has_text="· current doctor")).to_contain_text(current)
    for (label, _), value in zip(roles, chosen, strict=True):
        expect(page.get_by_label(label, exact=True)).to_have_value(value)


def test_from_the_debrief_to_letters_on_a_wide_screen_and_a_phone(
        browser, browser_context_args, home, family_case, axe, shoot):
    case_id = family_case["case_id"]
    context, page, errors = opened(browser, home, **WIDE)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        # Right after the first visit: the debrief, from the visit's summary.
        page.goto(f"{family_case['first_path']}/summary")
        page.get_by_role("link", name="Debriefs: what each person took away").click()
        expect(page.get_by_role("heading", level=1, name="Right after the visit")).to_be_visible()
        axe.check(page, "debrief, none yet")
        page.get_by_label("What you will remember").fill("Rest first, no sport for now")
        page.get_by_role("button", name="Save my debrief").click()
        everyone = page.locator("section", has=page.get_by_role(
            "heading", name="What each person took away"))
        expect(everyone).to_contain_text("Rest first, no sport for now")
        expect(page.get_by_text("Saved", exact=True)).to_be_focused()
        axe.check(page, "debrief, saved")
        shoot(page, "after-visit-00-debrief-wide")

        page.goto(f"/cases/{case_id}")
        page.get_by_role("link", name="Each doctor's opinion").click()
        expect(page.get_by_role("heading", level=1, name="Each doctor's opinion")).to_be_visible()
        axe.check(page, "opinions, none yet")
        write_opinion(page, axe, shoot, family_case["first"], "Stress fracture",
                      "Rest for six weeks")
        write_opinion(page, axe, shoot, family_case["second"], "Stress fracture",
                      "A cast for three weeks", link_note="She would shorten the treatment")
        say_who_is_who(page, family_case["first"], family_case["second"])
        shoot(page, "after-visit-01-opinions-wide")
        axe.check(page, "opinions list")

        # Side by side: the table on a wide screen; mark the treatment "They differ".
        page.get_by_role("link", name="Compare them side by side").click()
        table = page.get_by_role("table", name="What each doctor said, topic by topic")
        expect(table).to_be_visible()
        axe.check(page, "comparison, not marked")
        card = page.locator("#topic-treatment")
        card.get_by_label("They differ", exact=True).check()
        card.get_by_label(re.compile("^Why they differ")).select_option(
            label="Different experience with cases like this")
        card.get_by_label(re.compile("^Our note")).fill("Ask about sport at school")
        card.get_by_role("button", name="Save Recommended treatment").click()
        title = page.locator("#topic-treatment-title")
        expect(title).to_be_focused()  # focus follows the swap to the topic just saved
        expect(page.locator(".topic-card__title").first).to_have_text("Recommended treatment")
        question = page.locator("#topic-treatment").get_by_label(
            "A question to take back to a doctor")
        expect(question).to_have_value(re.compile("Can you help us understand why these differ"))
        expect(table.locator("tbody tr").first).to_contain_text("They differ")
        page.locator("#topic-diagnosis").get_by_label("They agree", exact=True).check()
        page.locator("#topic-diagnosis").get_by_role("button", name="Save Diagnosis").click()
        expect(page.locator("#topic-diagnosis-title")).to_be_focused()
        axe.check(page, "comparison, marked")

        page.locator("summary", has_text=f"Write {OWNER}'s view").click()
        risk = page.get_by_label(re.compile("^How much risk feels right"))
        risk.fill("As little surgery as we can")
        page.get_by_role("button", name=f"Save {OWNER}'s view").click()
        expect(page.get_by_role("table", name="Each parent's view")).to_contain_text(
            "As little surgery as we can")
        expect(page.locator("#values-heading")).to_be_focused()
        axe.check(page, "comparison with values")
        shoot(page, "after-visit-02-compare-wide")
        page.emulate_media(media="print")
        shoot(page, "after-visit-03-compare-print")
        expect(page.locator(".topic-cards")).to_be_hidden()
        expect(table).to_be_visible()
        page.emulate_media(media="screen")

        # Decide: a mistake first (no reasons), then the decision.
        page.get_by_role("link", name="Go on to decide").click()
        expect(page.get_by_role("heading", level=2, name="What have you decided?")).to_be_visible()
        axe.check(page, "decide")
        page.get_by_label("Switch to the second doctor's plan or care").check()
        page.get_by_role("button", name="Save our decision").click()
        expect(page.get_by_role("alert")).to_contain_text("Write your reasons")
        axe.check(page, "decide, with an error")
        page.get_by_label("Switch to the second doctor's plan or care").check()
        page.get_by_label("Our reasons").fill("Shorter, and closer to home")
        page.get_by_label(re.compile("^Who took part")).fill("Both of us and Ada")
        page.get_by_role("button", name="Save our decision").click()

        # Letters: drafted from the case and decision; edit, save, copy, print.
        expect(page.get_by_role("heading", level=1, name="Letters to the doctors")).to_be_visible()
        axe.check(page, "letters")
        page.get_by_role("link", name="Tell the current doctor what we decided").click()
        letter = page.get_by_label("The letter")
        # Below the sender's name and the date.
        expect(letter).to_have_value(re.compile(f"\n\nDear {re.escape(family_case['first'])},\n"))
        expect(letter).to_have_value(re.compile("Shorter, and closer to home"))
        axe.check(page, "a letter")
        letter.fill(letter.input_value().replace("Kind regards", "With our thanks"))
        page.get_by_role("button", name="Save the letter").click()
        expect(page.get_by_text("Letter saved.").first).to_be_visible()
        expect(page.get_by_label("The letter")).to_have_value(re.compile("With our thanks"))
        page.get_by_role("button", name="Copy to clipboard").click()
        expect(page.locator("#status")).to_contain_text("Copied")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert f"\n\nDear {family_case['first']},\n" in copied and "With our thanks" in copied
        axe.check(page, "a letter, saved")
        shoot(page, "after-visit-04-letter-wide")
        page.emulate_media(media="print")
        shoot(page, "after-visit-05-letter-print")
        expect(page.locator(".letter.print-only")).to_contain_text("With our thanks")
        expect(page.get_by_label("The letter")).to_be_hidden()
        page.emulate_media(media="screen")

        # The export button: one zip, its manifest lists every member.
        page.goto("/export")
        axe.check(page, "export")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the export").click()
        content = download.value.path().read_bytes()
        with zipfile.ZipFile(io.BytesIO(content)) as made:
            manifest = json.loads(made.read("manifest.json"))
            assert "data/letter.json" in manifest["members"]
            assert "With our thanks" in made.read("index.html").decode()
        assert errors == []
    finally:
        context.close()

    # On a phone: one topic at a time, no table; the letter reads and copies the same.
    phone_args = {key: value for key, value in browser_context_args.items()
                  if key not in ("service_workers", "base_url")}
    context, page, errors = opened(browser, home, **phone_args)
    try:
        page.goto(f"{family_case['first_path']}/debrief")
        expect(page.get_by_label("What you will remember")).to_have_value(
            "Rest first, no sport for now")
        axe.check(page, "debrief on a phone")
        page.goto(f"/cases/{case_id}/compare")
        expect(page.get_by_role("table", name="What each doctor said, topic by topic")
               ).to_be_hidden()
        first_card = page.locator(".topic-card").first
        expect(first_card).to_contain_text("Topic 1 of 11")
        expect(first_card).to_contain_text("A cast for three weeks")
        axe.check(page, "comparison on a phone")
        first_card.scroll_into_view_if_needed()
        shoot(page, "after-visit-06-compare-phone", full_page=False)
        first_card.get_by_role("link", name=re.compile("^Next topic")).click()
        page.goto(f"/cases/{case_id}/opinions")
        axe.check(page, "opinions on a phone")
        page.get_by_role("link", name=re.compile("^Read")).first.click()
        expect(page.locator(".opinion")).to_be_visible()
        axe.check(page, "an opinion on a phone")
        page.goto(f"/cases/{case_id}/decision")
        axe.check(page, "decision on a phone")
        page.get_by_role("link", name="Letters to the doctors").click()
        page.get_by_role("link", name="Thank the second doctor").click()
        expect(page.get_by_label("The letter")).to_have_value(
            re.compile(f"\n\nDear {re.escape(family_case['second'])},\n"))
        axe.check(page, "a letter on a phone")
        shoot(page, "after-visit-07-letter-phone")
        # Reopen the decision: it stays in the history.
        page.goto(f"/cases/{case_id}/decision")
        page.get_by_label("What changed?").fill("A new scan")
        page.get_by_role("button", name="Reopen the decision").click()
        expect(page.get_by_role("heading", level=2, name="Earlier decisions")).to_be_visible()
        expect(page.get_by_text("Reopened because A new scan")).to_be_visible()
        axe.check(page, "decision reopened, on a phone")
        assert errors == []
    finally:
        context.close()

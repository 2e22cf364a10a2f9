"""The guides' advice where each choice is made (issue 25): on the rendered pages."""

import html

from webapp.extensions import db
from webapp.models import Candidate
from webapp.services import shortlist

INDEPENDENT = "Is this doctor independent?"


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


def test_the_shortlist_asks_if_a_doctor_works_with_the_current_one(signed_in, visit):
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/shortlist"))
    assert INDEPENDENT in page
    assert "in the same department or group" in page
    assert "they look at it with fresh eyes" in page  # why it matters
    assert "who they would trust" not in page
    assert "Do they work with our current doctor, or in the same department or group?" in page


def test_the_answer_is_kept_and_a_doctor_on_the_same_team_is_named(signed_in, visit):
    form = {"name": "Dr Ines Moreau", "same_team": "yes"}
    assert signed_in.post(f"/cases/{visit.case_id}/shortlist", data=form).status_code == 303
    assert Candidate.query.one().same_team == "yes"
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/shortlist"))
    assert "<dt>Works with our current doctor</dt><dd>Yes</dd>" in page
    assert "They work with your current doctor." in page
    candidate = Candidate.query.one()
    edit = text_of(signed_in.get(f"/cases/{visit.case_id}/shortlist/{candidate.id}/edit"))
    assert 'name="same_team" value="yes" checked' in edit


def test_a_doctor_from_outside_the_team_is_not_cautioned(signed_in, visit):
    shortlist.add_candidate(visit.case, name="Dr Moreau", same_team="no")
    db.session.commit()
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/shortlist"))
    assert "They work with your current doctor." not in page


def test_choosing_a_specialist_for_the_visit_asks_again(signed_in, visit):
    candidate = shortlist.add_candidate(visit.case, name="Dr Moreau")
    db.session.commit()
    chosen = signed_in.post(f"/cases/{visit.case_id}/shortlist/{candidate.id}/choose")
    page = text_of(signed_in.get(chosen.headers["Location"]))
    assert INDEPENDENT in page and "Dr Moreau" in page


def test_the_referral_script_asks_for_names_outside_the_team(signed_in, visit):
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/letters"))
    assert "someone you would trust" not in page
    assert "including someone outside your own team or group" in page
    assert "from outside your own team or group" in page  # the referral letter too


def test_the_appointment_keeps_two_reminders_in_the_case_summary_sheet(signed_in, visit):
    page = text_of(signed_in.get(f"/visits/{visit.id}"))
    sheet = page.split('id="read-out"')[1].split("</dialog>")[0]
    for reminder in ("It is fine to slow things down", "One talk may not be enough"):
        assert f"<summary>{reminder}</summary>" in sheet
    assert "ask the doctor to slow down, to say something again" in sheet
    assert "may take more than one conversation" in sheet
    assert "<details open" not in sheet  # closed: the first view stays the next question's


def test_a_steroid_in_the_plan_is_not_called_a_strong_medicine(signed_in, visit):
    visit.case.proposed_treatment = "Steroid cream twice a day"
    db.session.commit()
    page = text_of(signed_in.get(f"/visits/{visit.id}/questions"))
    suggested = page.split("Suggested for this case")[1].split("</fieldset>")[0]
    assert "The plan mentions steroids" in suggested
    assert "Strong medicines" not in page
    assert "chance of having children" not in suggested


SURER = ("treatment can start now", "Treatment can start now", "can be looked at again.")


def test_when_treatment_should_not_wait_the_words_stay_as_cautious_as_the_sources(
        signed_in, visit):
    form = text_of(signed_in.get(f"/children/{visit.case.child_id}/cases/new"))
    visit.case.safe_to_wait = "no"
    db.session.commit()
    pages = [form, text_of(signed_in.get(f"/cases/{visit.case_id}")),
             text_of(signed_in.get(f"/visits/{visit.id}/before"))]
    for page in pages:
        assert not any(words in page for words in SURER)
    assert "Ask the team if you could still get one alongside treatment or later" in pages[1]
    assert "Ask them if this second opinion could still help" in pages[2]


def test_the_shortlist_warns_calmly_of_opinions_far_from_usual_care(signed_in, visit):
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/shortlist"))
    assert "work far from usual care, or tell families what they hope to hear" in page
    assert "Check that they are board certified and where they work." in page
    assert "Online reviews are a guide, not proof." in page


NEED_OR_CHOICE = "Is this a medical need, or a choice we could make either way?"


def test_need_or_choice_is_in_the_questions_for_each_doctor(signed_in, visit):
    page = text_of(signed_in.get(f"/visits/{visit.id}/questions"))
    suggested = page.split("Suggested for this case")[1].split("</fieldset>")[0]
    assert NEED_OR_CHOICE in suggested  # the case has a treatment proposed


def test_the_values_table_says_gentler_is_not_always_better(signed_in, visit):
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/compare"))
    values = page.split('id="family-values"')[1]
    assert "The plan that sounds gentler is not always the better one for your child." in values


CHILD_FIRST = "What you want as parents is heard, but it does not decide on its own."


def test_the_decide_page_puts_the_child_first_and_asks_need_or_choice(signed_in, visit):
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/decision"))
    form = page.split("What have you decided?")[1].split("</form>")[0]
    assert "Your child comes first." in form and CHILD_FIRST in form
    assert "Each doctor's first duty is to your child." in form
    assert "is this a medical need, or a choice we could make either way?" in form


def test_a_new_case_starts_with_the_child_first(signed_in, visit):
    page = text_of(signed_in.get(f"/children/{visit.case.child_id}/cases/new"))
    assert "Ada's welfare comes first. A second doctor's first duty is to your child." in page
    assert CHILD_FIRST in page
    assert page.index("First: is it safe to wait?") < page.index(CHILD_FIRST)  # the gate first


PLAN_QUESTIONS = ("Is a second opinion covered, and what will we pay?",
                  "Do we need a referral first?", "Is this doctor in our network?")


def test_booking_a_visit_asks_the_plan_first(signed_in, visit):
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/visits/new"))
    booking = page.split("Before you book, ask your insurer or health plan:")[1].split("</form>")[0]
    assert all(question in booking for question in PLAN_QUESTIONS)
    assert "Some places give a legal right to a covered second opinion" in booking
    assert booking.index("Check the rules where you live.") < booking.index('type="submit"')


def test_the_shortlist_asks_about_cover_and_referral_before_booking(signed_in, visit):
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/shortlist"))
    assert "Ask your plan before you book: is a second opinion covered" in page


def test_the_comparison_gives_its_figure_with_the_caveat_and_source(signed_in, visit):
    page = text_of(signed_in.get(f"/cases/{visit.case_id}/compare"))
    figure = page.split("How often do experts differ?")[1].split("</p>")[0]
    assert "reports that two experts differed in over a quarter of cases" in figure
    assert "(it names no study)" in figure
    assert "there is little hard data on second opinions" in figure

"""Preparing questions (issue 11): ticks kept, suggestions, the top 3, the one-page printout."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from tests.days import years_ago
from webapp.extensions import db
from webapp.services import cases, visits
from webapp.views.questions import printout_density


def test_a_list_refresh_sends_the_list_alone_so_library_ticks_stay(hx, visit):
    response = hx.get(f"/visits/{visit.id}/questions", target="chosen")
    assert response.text.lstrip().startswith('<section id="chosen"')
    assert 'id="library-form"' not in response.text
    assert "HX-Request" in response.headers["Vary"]
    page = hx.get(f"/visits/{visit.id}/questions", target="chosen", boosted=True)
    assert 'id="library-form"' in page.text  # boosted: the whole page


def test_removing_a_question_keeps_the_ticks_sent_along(hx, visit):
    first = visit.questions[0]
    response = hx.post(f"/visits/{visit.id}/questions/{first.id}/delete",
                       {"keys": ["practical-cost", "diagnosis-agree"]}, target="prepare")
    assert response.status_code == 200
    ticked = response.text.split('id="library-practical-cost"')[1].split(">")[0]
    assert "checked" in ticked and "disabled" not in ticked
    # The removed library question is free to tick again, and left unticked... unless sent.
    freed = response.text.split('id="library-diagnosis-agree"')[1].split(">")[0]
    assert "checked" in freed and "disabled" not in freed
    practical = response.text.split("<summary>Practical matters</summary>")[0]
    practical = practical.rsplit("<details", 1)[1]
    assert " open" in practical  # the group with a tick stays open
    assert len(visit.questions) == 1


def test_the_first_three_are_the_top_three(signed_in, visit):
    visits.add_from_library(visit, ["practical-cost", "practical-travel"])
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/questions").text
    assert page.count("order-item--top") == 3
    assert page.count('class="top-mark"') == 3


def test_suggestions_follow_the_case_and_leave_out_the_list(signed_in, visit):
    page = signed_in.get(f"/visits/{visit.id}/questions").text
    suggested = page.split("Suggested for this case")[1].split("</fieldset>")[0]
    assert 'value="diagnosis-test-results"' in suggested  # the case's reason: a test result
    assert 'value="diagnosis-agree"' not in suggested  # on the list already
    assert 'value="treatment-surgery"' not in suggested
    visit.case.proposed_treatment = "Surgery on the hip"
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/questions").text
    assert "Surgery has been proposed" in page


def test_picking_a_suggestion_adds_it_once(signed_in, visit):
    response = signed_in.post(f"/visits/{visit.id}/questions/library",
                              data={"keys": ["diagnosis-test-results", "diagnosis-test-results"]})
    assert response.status_code == 303
    assert [q.template_key for q in visit.questions][-1] == "diagnosis-test-results"
    assert len(visit.questions) == 3


def test_the_printout_has_the_child_case_medicines_and_questions_in_order(signed_in, visit):
    second = visit.questions[1]
    signed_in.post(f"/visits/{visit.id}/questions/{second.id}/move", data={"direction": "up"})
    page = signed_in.get(f"/visits/{visit.id}/questions/print").text
    assert "For this appointment" in page
    assert "Ada, age" in page and "Acute lymphoblastic leukaemia" in page
    assert "Penicillin" in page
    assert page.index("Do you agree with the treatment plan") < page.index(
        "Do you agree with the diagnosis?")
    assert page.count('class="write-space"') == 2
    assert 'printout--roomy' in page


def test_a_long_list_prints_tighter(signed_in, visit):
    keys = [key for key in visits.library.questions_by_key()][:20]
    visits.add_from_library(visit, keys)
    db.session.commit()
    assert "printout--tight" in signed_in.get(f"/visits/{visit.id}/questions/print").text


def test_the_printout_escapes_what_the_family_typed(signed_in, visit, owner):
    visits.add_own_question(visit, "<script>alert(1)</script>", "practical")
    child = cases.add_child(owner.household_id, name="<b>Zed</b>", birth_date=years_ago(8, 1, 1))
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/questions/print").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert child.name not in page


def test_another_household_cannot_print_our_questions(signed_in, stranger):
    assert signed_in.get(f"/visits/{stranger.id}/questions/print").status_code == 404


def test_a_long_summary_leaves_less_room_for_each_question(signed_in, visit, owner):
    child = visit.case.child
    for name in ("Salbutamol", "Montelukast", "Vitamin D", "Iron", "Cetirizine", "Omeprazole"):
        cases.add_list_item(child, "medicine", name)
    visits.add_from_library(visit, ["practical-cost", "practical-travel"])
    db.session.commit()
    assert "printout--compact" in signed_in.get(f"/visits/{visit.id}/questions/print").text


def test_past_24_questions_the_printout_goes_on_over_pages(signed_in, visit):
    keys = [key for key in visits.library.questions_by_key()][:24]
    visits.add_from_library(visit, keys)  # 2 there already, so 24 in all
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/questions/print").text
    assert "printout--pages" not in page and "Print this page" in page
    visits.add_own_question(visit, "And one more of our own?", "practical")
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/questions/print").text
    assert "printout--pages" in page and "Print these pages" in page
    assert "it prints on more than one page" in page
    assert page.count('class="printout__top"') == 3


def test_a_few_long_questions_go_on_over_pages_too(signed_in, visit):
    for n in range(5):
        visits.add_own_question(visit, f"Question {n}: " + "why this and not that? " * 40,
                                "practical")
    db.session.commit()
    assert "printout--pages" in signed_in.get(f"/visits/{visit.id}/questions/print").text


ORDER = ["roomy", "compact", "tight", "tight printout--tightest", "pages"]
typed = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
                max_size=1000)


@given(texts=st.lists(typed, max_size=40), more=typed, medicines=st.integers(0, 12))
def test_more_to_print_never_gets_more_room(texts, more, medicines):
    child = SimpleNamespace(medicines=[None] * medicines, allergies=[])
    asked = [SimpleNamespace(text=text) for text in texts]
    before = ORDER.index(printout_density(asked, child))
    after = ORDER.index(printout_density([*asked, SimpleNamespace(text=more)], child))
    longer = ORDER.index(printout_density([SimpleNamespace(text=t + more) for t in texts], child))
    assert after >= before and longer >= before
    assert len(texts) <= 24 or ORDER[before] == "pages"

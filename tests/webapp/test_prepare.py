"""Preparing questions (issue 11): ticks kept, suggestions, the top 3; the printout with room
to write, its page count said before printing, and the top questions alone (issue 19)."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from tests.days import years_ago
from webapp.extensions import db
from webapp.services import cases, visits
from webapp.services.printouts import lay_out


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
    assert page.count(THREE_LINES) == 2
    assert "This prints on one page, with room to write" in page and "Print this page" in page


THREE_LINES = '<div class="write-space" aria-hidden="true"><div></div><div></div><div></div></div>'


def forty_questions(visit):
    keys = [key for key in visits.library.questions_by_key()
            if key not in {q.template_key for q in visit.questions}]
    visits.add_from_library(visit, keys[:40 - len(visit.questions)])
    db.session.commit()
    assert len(visit.questions) == 40


def test_forty_questions_say_before_printing_how_many_pages_they_take(signed_in, visit):
    forty_questions(visit)
    pages = len(lay_out(visit.case, visit.questions).sheets)
    assert pages >= 3
    page = signed_in.get(f"/visits/{visit.id}/questions/print").text
    assert f"This prints on {pages} pages, with room to write under each question." in page
    assert f"Print these {pages} pages" in page and page.count("<ol ") == pages
    assert page.count(THREE_LINES) == 40 and page.count('class="printout__top"') == 3
    assert "?questions=top" in page


def test_top_questions_only_prints_the_first_page_alone(signed_in, visit):
    forty_questions(visit)
    first = lay_out(visit.case, visit.questions).sheets[0]
    page = signed_in.get(f"/visits/{visit.id}/questions/print?questions=top").text
    assert page.count(THREE_LINES) == len(first) and page.count("<ol ") == 1
    assert f"This prints on one page: your top {len(first)} questions" in page
    assert f"The other {40 - len(first)} stay on your list." in page
    assert "Print all 40 questions instead" in page and "Print this page" in page


def test_the_printout_escapes_what_the_family_typed(signed_in, visit, owner):
    visits.add_own_question(visit, "<script>alert(1)</script>", "practical")
    child = cases.add_child(owner.household_id, name="<b>Zed</b>", birth_date=years_ago(8, 1, 1))
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/questions/print").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert child.name not in page


def test_another_household_cannot_print_our_questions(signed_in, stranger):
    assert signed_in.get(f"/visits/{stranger.id}/questions/print").status_code == 404


def test_a_long_summary_leaves_less_room_on_the_first_page(visit):
    visits.add_from_library(visit, list(visits.library.questions_by_key())[2:12])
    before = len(lay_out(visit.case, visit.questions).sheets[0])
    for name in ("Salbutamol", "Montelukast", "Vitamin D", "Iron", "Cetirizine", "Omeprazole"):
        cases.add_list_item(visit.case.child, "medicine", name)
    db.session.commit()
    assert len(lay_out(visit.case, visit.questions).sheets[0]) < before


def test_a_few_long_questions_go_on_over_pages_too(signed_in, visit):
    for n in range(5):
        visits.add_own_question(visit, f"Question {n}: " + "why this and not that? " * 40,
                                "practical")
    db.session.commit()
    assert "printout--pages" in signed_in.get(f"/visits/{visit.id}/questions/print").text


typed = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
                max_size=1000)


@given(texts=st.lists(typed, max_size=40), more=typed, medicines=st.integers(0, 12),
       diagnosis=typed)
def test_every_question_is_on_one_sheet_and_more_never_takes_fewer_pages(
        texts, more, medicines, diagnosis):
    item = SimpleNamespace(name="Salbutamol", detail="2 puffs when needed")
    child = SimpleNamespace(name="Ada", conditions="", medicines=[item] * medicines,
                            allergies=[])
    case = SimpleNamespace(child=child, diagnosis=diagnosis, proposed_treatment="")
    asked = [SimpleNamespace(text=text) for text in texts]
    laid = lay_out(case, asked)
    assert [question for sheet in laid.sheets for _, question in sheet] == asked
    assert [number for sheet in laid.sheets for number, _ in sheet] == list(
        range(1, len(asked) + 1))
    assert laid.all_sheets == len(laid.sheets) and laid.left_out == 0
    assert len(lay_out(case, [*asked, SimpleNamespace(text=more)]).sheets) >= len(laid.sheets)
    top = lay_out(case, asked, top_only=True)
    assert len(top.sheets) == 1 and top.sheets[0] == laid.sheets[0]
    assert top.left_out == len(asked) - len(laid.sheets[0])

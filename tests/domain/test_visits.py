
import pytest

from tests.days import in_days
from webapp.errors import NotFound, ValidationFailed
from webapp.services import capture, visits


def texts(visit):
    return [q.text for q in visit.questions]


def test_library_questions_are_added_once_in_order(visit):
    visits.add_from_library(visit, ["diagnosis-agree", "practical-cost"])
    keys = [q.template_key for q in visit.questions]
    assert keys == ["diagnosis-agree", "treatment-agree", "practical-cost"]
    assert [q.position for q in visit.questions] == [0, 1, 2]


def test_own_question_goes_last_and_moves_up_and_down(visit):
    own = visits.add_own_question(visit, "Can we call you later?", "practical")
    assert texts(visit)[-1] == "Can we call you later?"
    visits.move_question(visit, own, "up")
    visits.move_question(visit, own, "up")
    assert texts(visit)[0] == "Can we call you later?"
    visits.move_question(visit, own, "up")  # already first: nothing changes
    assert texts(visit)[0] == "Can we call you later?"
    visits.move_question(visit, own, "down")
    assert texts(visit)[1] == "Can we call you later?"


def test_a_question_with_answers_cannot_be_removed(visit, owner):
    first, second = visit.questions
    capture.add_answer(first, owner, "Yes")
    with pytest.raises(ValidationFailed):
        visits.remove_question(visit, first)
    visits.remove_question(visit, second)
    assert [q.id for q in visit.questions] == [first.id]


def test_marking_asked_keeps_the_first_time_and_can_be_undone(visit):
    question = visit.questions[0]
    visits.mark_asked(question, None, True)
    first_time = question.asked_at
    visits.mark_asked(question, None, True)
    assert question.asked_at == first_time
    visits.mark_asked(question, None, False)
    assert not question.asked


def test_a_visit_needs_one_of_the_households_clinicians(visit, stranger):
    with pytest.raises(ValidationFailed):
        visits.add_visit(visit.case, stranger.clinician_id, in_days(9))


def test_lookups_are_scoped_to_the_household_and_visit(visit, stranger):
    with pytest.raises(NotFound):
        visits.get_visit(visit.household_id, stranger.id)
    with pytest.raises(NotFound):
        visits.get_question(visit, stranger.questions[0].id)

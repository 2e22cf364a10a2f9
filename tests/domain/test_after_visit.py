"""The comparison's order and drafts, decisions and their history, letter drafts."""

from datetime import date

import pytest

from tests.days import in_days
from webapp.errors import ValidationFailed
from webapp.extensions import db
from webapp.services import cases, decisions, opinions, visits


@pytest.fixture
def two(owner, visit):
    """Two opinions on the visit's case: Dr Okafor's first, then Dr Lindqvist's."""
    clinician = cases.add_clinician(owner.household_id, name="Dr Lindqvist")
    later = visits.add_visit(visit.case, clinician.id, in_days(15))
    second = opinions.save_opinion(visit.case, visit_id=later.id, sources={},
                                   topics={"diagnosis": "ALL", "treatment": "Shorter"})
    first = opinions.save_opinion(visit.case, visit_id=visit.id, sources={},
                                  topics={"diagnosis": "ALL", "treatment": "Two years"})
    db.session.commit()
    return first, second


def test_opinions_come_in_visit_order_and_topics_no_one_covered_start_not_covered(two):
    first, second = two
    found = opinions.list_opinions(first.case)
    assert found == [first, second]  # by visit day, not by when they were written down
    rows = {row["topic"]["key"]: row for row in opinions.comparison(first.case, found)}
    assert rows["trials"]["verdict"] == "not-covered"
    assert rows["diagnosis"]["verdict"] is None  # the family marks it, not us
    assert rows["treatment"]["said"] == ["Two years", "Shorter"]


def test_rows_that_differ_come_first_with_a_drafted_question_until_the_family_writes_one(two):
    first, second = two
    case = first.case
    opinions.save_row(case, "outlook", "differ")
    opinions.save_row(case, "diagnosis", "agree", why="philosophy", question="dropped")
    rows = opinions.comparison(case, [first, second])
    assert [row["topic"]["key"] for row in rows][:1] == ["outlook"]
    assert rows[0]["question"].startswith("About the outlook: what do you think")
    diagnosis = next(row for row in rows if row["topic"]["key"] == "diagnosis")
    assert diagnosis["row"].why == "" and diagnosis["row"].question == ""  # only for "differ"
    opinions.save_row(case, "treatment", "differ", question="Why two years?")
    rows = opinions.comparison(case, [first, second])
    assert [row["topic"]["key"] for row in rows][:2] == ["treatment", "outlook"]
    assert rows[0]["question"] == "Why two years?"
    draft = opinions.draft_question("Recommended treatment", [first, second],
                                    ["Two years", "Shorter"])
    assert "Dr Okafor said “Two years”; Dr Lindqvist said “Shorter”" in draft


def test_an_opinion_needs_something_said_and_a_visit_has_one(visit):
    with pytest.raises(ValidationFailed) as error:
        opinions.save_opinion(visit.case, visit_id=visit.id, topics={"diagnosis": ""},
                              sources={})
    assert error.value.errors == {"diagnosis": ["Write at least one thing they said."]}
    opinions.save_opinion(visit.case, visit_id=visit.id, topics={"diagnosis": "x"}, sources={})
    with pytest.raises(ValidationFailed, match="Please check") as error:
        opinions.save_opinion(visit.case, visit_id=visit.id, topics={"diagnosis": "y"},
                              sources={})
    assert "written down already" in error.value.errors["visit_id"][0]


def test_a_decision_is_reopened_before_the_next_and_both_stay(visit):
    case = visit.case
    first = decisions.decide(case, option="continue", reasons="Trust", decided_on=date.today())
    with pytest.raises(ValidationFailed):
        decisions.decide(case, option="switch", reasons="x", decided_on=date.today())
    decisions.reopen(first, "New results")
    with pytest.raises(ValidationFailed):
        decisions.reopen(first, "Again")
    assert decisions.current(case) is None
    second = decisions.decide(case, option="third", reasons="Unsure", decided_on=date.today())
    assert decisions.current(case) == second and decisions.history(case) == [second, first]


@pytest.mark.parametrize("option", [option["key"] for option in decisions.options()])
def test_every_letter_drafts_for_every_option_without_two_opinions_too(app, owner, visit,
                                                                      option):
    decision = decisions.decide(visit.case, option=option, reasons="Closer",
                                decided_on=date.today())
    kinds = [kind["key"] for kind in decisions.letter_kinds(decision)]
    assert ("transfer" in kinds) == (option == "switch")  # care moves: ask for it
    # A letter that names both doctors waits for who is who (not set here); the rest draft.
    drafted = [kind for kind in kinds if not decisions.waits_for_roles(decision, kind)]
    assert drafted
    for kind in drafted:
        check_draft(app, owner, visit, decision, kind)


def check_draft(app, owner, visit, decision, kind):
    context = {"case": visit.case, "child": visit.case.child, "decision": decision, "me": owner,
               "option": "Our choice", "first": None, "second": None}
    with app.test_request_context():
        text = decisions.draft(kind, context)
    assert "Ada" in text and "Sam" in text
    assert kind == "transfer" or "our choice" in text.lower()
    assert "None" not in text and "{" not in text and "\n\n\n" not in text

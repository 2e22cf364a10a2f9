"""Questions suggested from a case's reasons and proposed treatment."""

from types import SimpleNamespace

import pytest

from webapp.services import library


def case(reasons=(), treatment=""):
    return SimpleNamespace(reasons=list(reasons), proposed_treatment=treatment)


def keys(found):
    return [question["key"] for question, _ in found]


@pytest.mark.parametrize("treatment", ["Spinal fusion surgery", "An operation on the hip",
                                       "SURGICAL removal of the cyst"])
def test_surgery_in_the_treatment_suggests_the_surgery_questions(treatment):
    found = {q["key"]: because for q, because in library.suggestions(case(treatment=treatment))}
    assert found["treatment-surgery"] == "Surgery has been proposed"
    assert "experience-procedure-count" in found


def test_the_surgery_reason_alone_suggests_them_too():
    assert "treatment-surgery" in keys(library.suggestions(case(["surgery-proposed"])))


def test_no_surgery_no_surgery_questions():
    found = keys(library.suggestions(case(["test-result"], "Tablets once a day")))
    assert "treatment-surgery" not in found
    assert {"diagnosis-test-results", "treatment-agree", "diagnosis-agree"} <= set(found)


def test_a_word_only_counts_from_its_start():
    assert "child-late-effects" not in keys(library.suggestions(case(treatment="Nonchemo plan")))
    assert "child-late-effects" in keys(library.suggestions(case(treatment="(chemotherapy)")))


def test_each_question_once_and_those_on_the_list_left_out():
    found = keys(library.suggestions(case(["several-treatments", "major-procedure"], "Surgery"),
                                     leave_out={"diagnosis-agree"}))
    assert len(found) == len(set(found))
    assert "diagnosis-agree" not in found
    assert found[0] == "next-steps-what-next"  # the rules' order is kept


def test_every_suggested_key_is_in_the_library_and_every_reason_known():
    reasons = {reason["key"] for reason in library.reasons()}
    for rule in library._load("suggestions.toml")["rule"]:
        assert set(rule["questions"]) <= set(library.questions_by_key()), rule["because"]
        assert set(rule.get("reasons", ())) <= reasons, rule["because"]


@pytest.mark.parametrize("treatment", ["Steroid cream on the rash", "Inhaled corticosteroids"])
def test_a_steroid_brings_the_side_effects_question_alone(treatment):
    found = dict((question["key"], because)
                 for question, because in library.suggestions(case(treatment=treatment)))
    assert found["treatment-side-effects"] == "The plan mentions steroids"
    assert "child-fertility" not in found and "child-late-effects" not in found


def test_chemotherapy_is_named_as_what_the_plan_mentions():
    found = dict((question["key"], because)
                 for question, because in library.suggestions(case(treatment="Chemotherapy")))
    assert found["child-fertility"] == "The plan mentions chemotherapy, radiation or immunotherapy"

"""The question library and stage-0 content are data the app loads."""

from webapp.services import library

STAGE_5_CATEGORIES = ["diagnosis", "treatment", "child", "experience", "next_steps", "practical"]


def test_library_has_at_least_forty_questions_in_the_stage_5_groups():
    assert [c["key"] for c in library.categories()] == STAGE_5_CATEGORIES
    assert len(library.questions_by_key()) >= 40
    for category in library.categories():
        assert len(category["question"]) >= 5, category["key"]
        assert category["title"] and category["hint"]


def test_question_keys_are_unique_and_know_their_category():
    keys = [q["key"] for c in library.categories() for q in c["question"]]
    assert len(keys) == len(set(keys))
    assert library.questions_by_key()["diagnosis-agree"]["category"] == "diagnosis"


def test_reasons_cautions_and_safe_to_wait_options_are_loaded():
    assert len(library.reasons()) == 9
    assert len(library.cautions()) == 3
    options = [o["key"] for o in library.safe_to_wait()["option"]]
    assert options == ["yes", "no", "not-asked", "unsure"]

"""Pages for people, named blocks for htmx: the full matrix for each swapping endpoint."""

import pytest

from webapp.extensions import db
from webapp.models import VisitQuestion
from webapp.services import visits


def is_full_page(response):
    return response.text.lstrip().startswith("<!doctype html>")


def test_each_page_renders_for_the_signed_in_family(signed_in, visit):
    urls = ["/", "/children/new", f"/children/{visit.case.child_id}",
            f"/children/{visit.case.child_id}/cases/new", f"/cases/{visit.case_id}",
            f"/cases/{visit.case_id}/visits/new", "/clinicians", "/clinicians/new",
            f"/visits/{visit.id}/questions", f"/visits/{visit.id}", f"/visits/{visit.id}/summary"]
    for url in urls:
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert is_full_page(response), url


def test_home_lists_the_upcoming_visit_and_the_child(signed_in, visit):
    page = signed_in.get("/").text
    assert "Dr Okafor" in page and "Ada" in page


@pytest.mark.parametrize("path, target, marker", [
    ("/visits/{v}/questions", "prepare", 'id="prepare"'),
])
def test_get_matrix(hx, visit, path, target, marker):
    url = path.format(v=visit.id)
    plain = hx.client.get(url)
    fragment = hx.get(url, target=target)
    boosted = hx.get(url, target=target, boosted=True)
    restore = hx.get(url, target=target, restore=True)
    other_target = hx.get(url, target="somewhere-else")
    assert is_full_page(plain) and is_full_page(boosted) and is_full_page(restore)
    assert is_full_page(other_target)
    assert not is_full_page(fragment) and marker in fragment.text
    for response in (plain, fragment, boosted, restore):
        assert "HX-Request" in response.headers["Vary"]


def post_matrix(hx, url, data, target):
    """POST the same form without htmx, with htmx, and boosted."""
    plain = hx.client.post(url, data=data)
    fragment = hx.post(url, data, target=target)
    boosted = hx.post(url, data, target=target, boosted=True)
    return plain, fragment, boosted


def test_note_post_matrix(hx, visit):
    plain, fragment, boosted = post_matrix(hx, f"/visits/{visit.id}/notes",
                                           {"text": "A note"}, "notes")
    assert plain.status_code == 303 and plain.headers["Location"].endswith("#note-form")
    assert fragment.status_code == 200 and not is_full_page(fragment)
    assert fragment.text.lstrip().startswith('<section id="notes"')
    assert "Note saved." in fragment.text
    assert boosted.status_code == 200 and is_full_page(boosted)
    assert "HX-Request" in fragment.headers["Vary"]


def test_question_post_returns_just_that_question(hx, visit):
    question = visit.questions[0]
    url = f"/visits/{visit.id}/questions/{question.id}/asked"
    plain, fragment, boosted = post_matrix(hx, url, {"asked": "true"}, f"question-{question.id}")
    assert plain.status_code == 303
    opening = f'<li class="question question--asked" id="question-{question.id}"'
    assert fragment.text.lstrip().startswith(opening)
    assert 'aria-pressed="true"' in fragment.text
    assert is_full_page(boosted)


def test_consent_post_returns_the_consent_region(hx, visit):
    fragment = hx.post(f"/visits/{visit.id}/consent", {"kind": "agreed", "who": "Dr Okafor"},
                       target="consent")
    assert fragment.text.lstrip().startswith('<section id="consent"')
    assert "Dr Okafor agreed at" in fragment.text


def test_reorder_and_own_question_swap_their_regions(hx, visit):
    first, second = visit.questions
    response = hx.post(f"/visits/{visit.id}/questions/{second.id}/move",
                       {"direction": "up"}, target="chosen")  # the list alone: library ticks stay
    assert response.text.lstrip().startswith('<section id="chosen"')
    up_button = response.text.split(f'id="up-{second.id}"')[1].split(">")[0]
    assert "data-focus" in up_button
    assert [q.id for q in VisitQuestion.query.order_by(VisitQuestion.position)] == [second.id,
                                                                                     first.id]
    own = hx.post(f"/visits/{visit.id}/questions", {"text": "Mine", "category": "practical"},
                  target="own-question")
    assert own.headers["HX-Trigger"] == "questionsChanged"
    assert own.text.lstrip().startswith('<form id="own-question"')


def test_library_pick_without_js_redirects_back(signed_in, visit):
    response = signed_in.post(f"/visits/{visit.id}/questions/library",
                              data={"keys": ["practical-cost", "practical-travel"]})
    assert response.status_code == 303
    assert len(visit.questions) == 4


def test_removing_a_question_with_answers_says_why(hx, visit, owner):
    from webapp.services import capture

    question = visit.questions[0]
    capture.add_answer(question, owner, "Kept")
    db.session.commit()
    response = hx.post(f"/visits/{visit.id}/questions/{question.id}/delete", target="prepare")
    assert response.status_code == 422
    assert "This question has answers, so it stays." in response.text


@pytest.mark.parametrize("path", [
    "/visits/{s}", "/visits/{s}/summary", "/visits/{s}/questions", "/cases/{c}",
    "/children/{ch}", "/cases/{c}/visits/new",
])
def test_another_households_things_are_not_found(signed_in, visit, stranger, path):
    url = path.format(s=stranger.id, c=stranger.case_id, ch=stranger.case.child_id)
    response = signed_in.get(url)
    assert response.status_code == 404
    assert "Secret" not in response.text


def test_unknown_ids_and_foreign_questions_are_not_found(signed_in, visit, stranger):
    foreign = stranger.questions[0].id
    assert signed_in.get("/visits/9999").status_code == 404
    assert signed_in.post(f"/visits/{visit.id}/questions/{foreign}/asked",
                          data={"asked": "true"}).status_code == 404
    assert signed_in.post(f"/visits/{stranger.id}/notes", data={"text": "x"}).status_code == 404
    assert stranger.questions[0].asked_at is None


# The appointment screen for a hurried hand (issue 10).

def parts_in_order(page, *markers):
    return [page.index(marker) for marker in markers] == sorted(page.index(m) for m in markers)


def test_appointment_screen_asks_about_recording_first_and_marks_the_next_question(
        signed_in, visit):
    page = signed_in.get(f"/visits/{visit.id}").text
    first, second = visit.questions
    assert parts_in_order(page, 'id="consent"', 'id="questions"', 'id="notes"')
    assert "No one has agreed. Do not record." in page
    assert "data-consent-ask open" in page  # the answer buttons are out, not folded
    assert f'question question--next" id="question-{first.id}"' in page
    assert page.count("question--next") == 1
    assert '<details class="details asked-group" id="asked-group" hidden>' in page
    # Without scripts the bar's links still reach each part; the composer is their :target.
    for href in ('href="#questions"', 'href="#note-form"', 'href="#consent"'):
        assert href in page
    assert f'href="/cases/{visit.case_id}" data-opens="read-out"' in page
    assert f'href="/visits/{visit.id}/summary" data-opens="read-back"' in page
    assert '<dialog class="sheet read-out" id="read-out"' in page and "Acute lymphoblastic" in page
    assert f"question-{second.id}" in page.split('id="questions-open"')[1].split("asked-group")[0]


def test_the_family_top_3_are_marked_on_the_appointment_screen_even_once_asked(
        signed_in, visit):
    """The first three as prepared carry "Top 3", asked or not; the fourth and fifth do not."""
    for text in ("What happens next?", "Who do we call?", "When do we come back?"):
        visits.add_own_question(visit, text, "next")
    db.session.commit()
    questions = visit.questions
    signed_in.post(f"/visits/{visit.id}/questions/{questions[1].id}/asked", data={"asked": "true"})
    page = signed_in.get(f"/visits/{visit.id}").text
    cards = {q.id: page.split(f'id="question-{q.id}"')[1].split("</li>")[0] for q in questions}
    assert [("Top 3" in cards[q.id]) for q in questions] == [True, True, True, False, False]
    assert page.count(">Top 3<") == 3


def test_asked_questions_fold_and_the_next_one_moves_on(signed_in, visit):
    first, second = visit.questions
    signed_in.post(f"/visits/{visit.id}/questions/{first.id}/asked", data={"asked": "true"})
    page = signed_in.get(f"/visits/{visit.id}").text
    open_part, asked_part = page.split('id="questions-open"')[1].split('id="asked-group"')
    assert f'question question--next" id="question-{second.id}"' in open_part
    assert f'id="question-{first.id}"' in asked_part and f"question-{first.id}" not in open_part
    assert "Asked: <span data-asked-count>1</span>" in asked_part
    assert "Every question is asked." in page and "data-all-asked hidden" in page

    signed_in.post(f"/visits/{visit.id}/questions/{second.id}/asked", data={"asked": "true"})
    page = signed_in.get(f"/visits/{visit.id}").text
    assert "question--next" not in page and "data-all-asked hidden" not in page
    assert "Asked: <span data-asked-count>2</span>" in page


@pytest.mark.parametrize("kind, withdraw", [("agreed", True), ("declined", False)])
def test_a_logged_answer_folds_the_buttons_under_the_status(signed_in, visit, kind, withdraw):
    signed_in.post(f"/visits/{visit.id}/consent", data={"kind": kind, "who": "Dr Okafor"})
    page = signed_in.get(f"/visits/{visit.id}").text
    assert "data-consent-ask open" not in page and "data-consent-ask>" in page
    assert ("Record that they withdrew</button>" in page) is withdraw

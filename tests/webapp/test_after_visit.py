"""After the visits: opinions with their sources, the comparison, deciding, the letters."""

import re
from datetime import date

import pytest

from tests.days import in_days
from webapp.extensions import db
from webapp.models import ComparisonRow, Decision, Letter, Opinion, ValueView
from webapp.services import capture, cases, decisions, visits


@pytest.fixture
def second_visit(owner, visit):
    """A visit with a second clinician, in the same case, with a note and an answer."""
    clinician = cases.add_clinician(owner.household_id, name="Dr Lindqvist",
                                    specialty="Oncology", centre="University Hospital")
    second = visits.add_visit(visit.case, clinician.id, in_days(14))
    visits.add_from_library(second, ["diagnosis-agree"])
    db.session.commit()
    capture.add_note(second, owner, "She thinks it is stage 2")
    db.session.commit()
    return second


def opinion_form(**topics):
    return {key.replace("_", "-"): value for key, value in topics.items()}


def write_opinion(client, visit, **topics):
    response = client.post(f"/cases/{visit.case_id}/opinions",
                           data={"visit_id": visit.id, **opinion_form(**topics)})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_an_opinion_links_each_topic_to_the_visits_notes(signed_in, second_visit):
    note = second_visit.notes[0]
    response = signed_in.post(f"/cases/{second_visit.case_id}/opinions", data={
        "visit_id": second_visit.id, "diagnosis": "ALL, standard risk", "stage": "Stage 2",
        "stage-sources": f"note:{note.id}"})
    assert response.status_code == 303
    page = signed_in.get(response.headers["Location"]).text
    assert "Dr Lindqvist's opinion" in page and "Stage 2" in page
    assert "She thinks it is stage 2" in page  # the note, beside the topic it backs
    opinion = Opinion.query.one()
    assert opinion.sources == {"stage": [f"note:{note.id}"]}


def test_an_opinion_refuses_bad_input_and_stores_nothing(signed_in, owner, visit, second_visit):
    other_note = capture.add_note(visit, owner, "From another visit")
    db.session.commit()
    url = f"/cases/{second_visit.case_id}/opinions"
    for data, field, message in [
        ({"visit_id": second_visit.id}, "diagnosis", "Write at least one thing they said."),
        ({"visit_id": second_visit.id, "diagnosis": "x\x00y"}, "diagnosis",
         "This has a character we cannot store."),
        ({"visit_id": second_visit.id, "diagnosis": "ok",
          "risks-sources": f"note:{other_note.id}"}, "risks", "not from this visit"),
        ({"clinician_id": "999", "diagnosis": "ok"}, "clinician_id", "Choose whose opinion"),
        ({"diagnosis": "x" * 4001, "visit_id": second_visit.id}, "diagnosis", "under 4,000"),
    ]:
        response = signed_in.post(url, data=data)
        assert response.status_code == 422, (data, response.status_code)
        assert message in response.text.replace("&#39;", "'"), (field, message)
    assert Opinion.query.count() == 0


def test_the_comparison_puts_differing_topics_first_with_a_drafted_question(
        signed_in, hx, visit, second_visit):
    write_opinion(signed_in, visit, diagnosis="ALL", treatment="Chemotherapy, 2 years")
    write_opinion(signed_in, second_visit, diagnosis="ALL", treatment="Chemotherapy, shorter")
    url = f"/cases/{visit.case_id}/compare"
    assert signed_in.post(f"{url}/diagnosis", data={"verdict": "agree"}).status_code == 303
    response = hx.post(f"{url}/treatment", data={"verdict": "differ", "why": "philosophy",
                                                 "note": "Ask about school"}, target="comparison")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="comparison"')  # the block, not the page
    assert "Recommended treatment: saved." in response.text
    row = ComparisonRow.query.filter_by(topic="treatment").one()
    assert (row.verdict, row.why, row.note) == ("differ", "philosophy", "Ask about school")
    page = signed_in.get(url).text
    headings = re.findall(r'<h2 class="topic-card__title" id="topic-([\w-]+)-title"', page)
    assert headings[0] == "treatment" and headings.index("diagnosis") > 0
    assert "Dr Okafor said “Chemotherapy, 2 years”" in page.replace("&#34;", "“")
    # A topic neither spoke to starts as not covered.
    assert re.search(r'id="topic-trials".*?Not covered', page, re.S)
    assert page.index(">Diagnosis<") > page.index(">Recommended treatment<")


def test_a_comparison_row_refuses_an_unknown_verdict_and_keeps_nothing(hx, visit, second_visit):
    write_opinion(hx.client, visit, diagnosis="ALL")
    write_opinion(hx.client, second_visit, diagnosis="ALL")
    response = hx.post(f"/cases/{visit.case_id}/compare/diagnosis", data={"verdict": "maybe"},
                       target="comparison")
    assert response.status_code == 422
    assert "Choose agree, differ or not covered." in response.text
    assert ComparisonRow.query.count() == 0
    response = hx.post(f"/cases/{visit.case_id}/compare/nonsense", data={"verdict": "agree"},
                       target="comparison")
    assert response.status_code == 404 and ComparisonRow.query.count() == 0


def test_each_parent_writes_their_view_on_the_familys_values(signed_in, owner, visit):
    url = f"/cases/{visit.case_id}/values"
    response = signed_in.post(url, data={"member_id": owner.id, "risk": "Low risk, please",
                                         "child": "Staying at school"})
    assert response.status_code == 303
    page = signed_in.get(f"/cases/{visit.case_id}/compare").text
    assert "Low risk, please" in page and "Staying at school" in page
    assert signed_in.post(url, data={"member_id": 999, "risk": "x"}).status_code == 422
    assert signed_in.post(url, data={"member_id": owner.id, "risk": "a\x00b"}).status_code == 422
    assert ValueView.query.filter_by(topic="risk").one().text == "Low risk, please"


def decide(client, case_id, **fields):
    data = {"option": "switch", "reasons": "Shorter treatment, closer to home",
            "decided_on": in_days(16).isoformat(), "took_part": "Sam and Alex",
            "revisit_when": "after the next scan", **fields}
    return client.post(f"/cases/{case_id}/decisions", data=data)


def test_decide_reopen_and_keep_the_history(signed_in, visit):
    assert "What have you decided?" in signed_in.get(f"/cases/{visit.case_id}/decision").text
    response = decide(signed_in, visit.case_id)
    assert response.status_code == 303
    assert decide(signed_in, visit.case_id).status_code == 422  # reopen first
    first = Decision.query.one()
    page = signed_in.get(f"/cases/{visit.case_id}/decision").text
    assert "Switch to the second doctor" in page and "after the next scan" in page
    response = signed_in.post(f"/decisions/{first.id}/reopen", data={"reason": ""})
    assert response.status_code == 422 and "Write what changed" in response.text
    assert signed_in.post(f"/decisions/{first.id}/reopen",
                          data={"reason": "New scan results"}).status_code == 303
    assert decide(signed_in, visit.case_id, option="third").status_code == 303
    page = signed_in.get(f"/cases/{visit.case_id}/decision").text
    assert "Seek a third opinion" in page
    assert "Earlier decisions" in page and "New scan results" in page
    assert Decision.query.count() == 2


@pytest.mark.parametrize("fields, message", [
    ({"option": ""}, "Choose what you decided."),
    ({"reasons": "  "}, "Write your reasons"),
    ({"decided_on": "soon"}, "Enter the date as a date"),
])
def test_a_decision_refuses_bad_input(signed_in, visit, fields, message):
    response = decide(signed_in, visit.case_id, **fields)
    assert response.status_code == 422 and message in response.text
    assert Decision.query.count() == 0


def test_letters_are_drafted_from_the_case_and_decision_and_can_be_edited(
        signed_in, visit, second_visit):
    write_opinion(signed_in, visit, diagnosis="ALL")
    write_opinion(signed_in, second_visit, diagnosis="ALL")
    signed_in.post(f"/cases/{visit.case_id}/doctors", data={
        "current_clinician_id": visit.clinician_id,
        "second_clinician_id": second_visit.clinician_id})
    decide(signed_in, visit.case_id)
    decision = Decision.query.one()
    index = signed_in.get(f"/decisions/{decision.id}/letters").text
    assert "check every detail" in index
    thank = signed_in.get(f"/decisions/{decision.id}/letters/thank-second").text
    assert "Dear Dr Lindqvist" in thank and "Ada" in thank
    tell = signed_in.get(f"/decisions/{decision.id}/letters/tell-first").text
    assert "Dear Dr Okafor" in tell and "Shorter treatment, closer to home" in tell
    transfer = signed_in.get(f"/decisions/{decision.id}/letters/transfer").text
    assert "University Hospital" in transfer
    url = f"/decisions/{decision.id}/letters/family-update"
    assert signed_in.post(url, data={"text": ""}).status_code == 422
    response = signed_in.post(url, data={"text": "Our own words"})
    assert response.status_code == 303
    page = signed_in.get(response.headers["Location"]).text
    assert "Letter saved." in page and "Our own words" in page
    assert Letter.query.one().text == "Our own words"
    signed_in.post(f"{url}/redraft")
    assert "Hello everyone" in signed_in.get(url).text and Letter.query.count() == 0
    assert signed_in.get(f"/decisions/{decision.id}/letters/unknown").status_code == 404
    decisions.reopen(decision, "New scan")
    kept = decisions.decide(decision.case, option="continue", reasons="x", decided_on=date.today())
    db.session.commit()
    assert "Ask to move care" not in signed_in.get(f"/decisions/{kept.id}/letters").text
    assert signed_in.get(f"/decisions/{kept.id}/letters/transfer").status_code == 404


def test_another_households_after_visit_pages_are_not_found(signed_in, stranger):
    from webapp.services import decisions, opinions

    case = stranger.case
    opinion = opinions.save_opinion(case, visit_id=stranger.id, topics={"diagnosis": "x"},
                                    sources={})
    decision = decisions.decide(case, option="continue", reasons="x", decided_on=date.today())
    db.session.commit()
    for method, url in [
        ("GET", f"/cases/{case.id}/opinions"), ("GET", f"/cases/{case.id}/opinions/new"),
        ("POST", f"/cases/{case.id}/opinions"), ("GET", f"/opinions/{opinion.id}"),
        ("GET", f"/opinions/{opinion.id}/edit"), ("POST", f"/opinions/{opinion.id}/edit"),
        ("POST", f"/opinions/{opinion.id}/delete"), ("GET", f"/cases/{case.id}/compare"),
        ("POST", f"/cases/{case.id}/compare/diagnosis"), ("POST", f"/cases/{case.id}/values"),
        ("GET", f"/cases/{case.id}/decision"), ("POST", f"/cases/{case.id}/decisions"),
        ("POST", f"/decisions/{decision.id}/reopen"), ("GET", f"/decisions/{decision.id}/letters"),
        ("GET", f"/decisions/{decision.id}/letters/tell-first"),
        ("POST", f"/decisions/{decision.id}/letters/tell-first"),
        ("POST", f"/decisions/{decision.id}/letters/tell-first/redraft"),
    ]:
        response = signed_in.open(url, method=method, data={"verdict": "agree", "text": "x",
                                                            "reason": "x", "diagnosis": "x"})
        assert response.status_code == 404, (method, url)
        assert "Secret" not in response.text
    assert Opinion.query.count() == 1 and Decision.query.one().reopened_at is None


def test_the_comparison_is_a_page_or_its_block(hx, visit, second_visit):
    write_opinion(hx.client, visit, diagnosis="ALL")
    write_opinion(hx.client, second_visit, diagnosis="AML")
    url = f"/cases/{visit.case_id}/compare"
    page = hx.client.get(url)
    assert page.text.startswith("<!doctype html>") and "HX-Request" in page.headers["Vary"]
    block = hx.get(url, target="comparison")
    assert block.text.lstrip().startswith('<div id="comparison"') and "<html" not in block.text
    assert hx.get(url, target="comparison", boosted=True).text.startswith("<!doctype html>")
    values = hx.post(f"/cases/{visit.case_id}/values", target="family-values",
                     data={"member_id": "1", "goals": "Home by spring"})
    assert values.text.lstrip().startswith('<section id="family-values"')
    assert "Home by spring" in values.text and "Views saved." in values.text


def test_an_opinion_given_elsewhere_needs_whose_it_is(signed_in, visit):
    url = f"/cases/{visit.case_id}/opinions"
    response = signed_in.post(url, data={"diagnosis": "ALL"})
    assert response.status_code == 422 and "Choose whose opinion this is." in response.text
    response = signed_in.post(url, data={"diagnosis": "ALL", "clinician_id": visit.clinician_id})
    assert response.status_code == 303
    assert "Given elsewhere" in signed_in.get(response.headers["Location"]).text
    assert Opinion.query.one().visit_id is None


def test_the_export_button_downloads_one_archive(signed_in, visit):
    import io
    import zipfile

    assert "Download the export" in signed_in.get("/export").text
    response = signed_in.post("/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=ask-twice-")
    assert response.headers["Cache-Control"] == "no-store"
    content = response.data
    response.close()  # as a server does: the archive's temporary file goes
    with zipfile.ZipFile(io.BytesIO(content)) as made:
        assert "data/visit.json" in made.namelist() and "index.html" in made.namelist()


def test_on_a_server_shared_by_families_the_button_exports_nothing(signed_in, visit, stranger):
    assert "cannot be downloaded here" in signed_in.get("/export").text
    response = signed_in.post("/export")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "Secret" not in response.text

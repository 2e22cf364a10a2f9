"""A case's records checklist: states with dates, who holds each, a note, and what is
still missing before the visit (issue 11, item 3)."""

import pytest

from webapp.extensions import db
from webapp.models import RecordChange, RecordItem
from webapp.services import case_records, library


@pytest.fixture
def started(signed_in, visit):
    signed_in.post(f"/cases/{visit.case_id}/records/start")
    return {item.key: item for item in RecordItem.query.all()}


def test_start_with_the_usual_list_once(signed_in, visit, started):
    assert set(started) == {usual["key"] for usual in library.record_items()}
    signed_in.post(f"/cases/{visit.case_id}/records/start")
    assert RecordItem.query.count() == len(started)
    page = signed_in.get(f"/cases/{visit.case_id}/records").text
    assert "the images themselves, not only the reports" in page


def test_each_change_of_state_is_dated_and_the_missing_view_follows(signed_in, visit, started):
    imaging = started["imaging"]
    url = f"/cases/{visit.case_id}/records/{imaging.id}"
    signed_in.post(url, data={"state": "requested", "holder": "City Hospital imaging"})
    signed_in.post(url, data={"state": "requested", "holder": "City Hospital imaging",
                              "note": "Fee of 10"})
    response = signed_in.post(url, data={"state": "confirmed", "holder": "Dr Moreau"})
    assert response.headers["Location"].endswith(f"#record-{imaging.id}")
    db.session.expire_all()
    changes = [c.state for c in RecordChange.query.filter_by(item_id=imaging.id).order_by("id")]
    assert changes == ["needed", "requested", "confirmed"]  # a note alone moves no state
    missing = case_records.missing(visit.case)
    assert imaging.id not in {item.id for item in missing}
    assert len(missing) == len(started) - 1
    page = signed_in.get(f"/cases/{visit.case_id}/records").text
    section = page.split("Still missing before the visit")[1].split("All records")[0]
    assert "Scans and X-rays" not in section and "Genetic test results" in section


def test_the_visit_checklist_counts_confirmed_records(signed_in, visit, started):
    signed_in.post(f"/cases/{visit.case_id}/records/{started['labs'].id}",
                   data={"state": "confirmed"})
    page = signed_in.get(f"/visits/{visit.id}/before").text
    assert f"1 of {len(started)} records confirmed received" in page


@pytest.mark.parametrize("data, message", [
    ({"state": "lost"}, "Choose where it is now."),
    ({"state": "sent", "holder": "x" * 201}, "Please keep this under 200 characters."),
])
def test_a_wrong_update_is_explained_and_changes_nothing(signed_in, visit, started, data,
                                                        message):
    item = started["genetics"]
    response = signed_in.post(f"/cases/{visit.case_id}/records/{item.id}", data=data)
    assert response.status_code == 422 and message in response.text
    db.session.expire_all()
    assert (db.session.get(RecordItem, item.id).state, RecordChange.query.count()) == (
        "needed", len(started))


def test_add_a_record_of_our_own(signed_in, visit):
    assert signed_in.post(f"/cases/{visit.case_id}/records", data={"title": ""}).status_code == 422
    signed_in.post(f"/cases/{visit.case_id}/records", data={"title": "Eye clinic report"})
    assert [i.title for i in RecordItem.query.all()] == ["Eye clinic report"]


def test_removing_the_case_takes_its_records(signed_in, visit, started):
    assert signed_in.post(f"/cases/{visit.case_id}/delete").status_code == 303
    assert (RecordItem.query.count(), RecordChange.query.count()) == (0, 0)


def test_removing_a_record_asks_first_then_takes_its_dates(signed_in, visit, started):
    item_id, title = started["labs"].id, started["labs"].title
    base = f"/cases/{visit.case_id}/records/{item_id}"
    assert f'href="{base}/delete"' in signed_in.get(f"/cases/{visit.case_id}/records").text
    confirm = signed_in.get(f"{base}/delete").text
    assert "Remove this record?" in confirm and f"the record: {title}" in confirm
    assert signed_in.post(f"{base}/delete").status_code == 303
    assert db.session.get(RecordItem, item_id) is None
    assert RecordChange.query.filter_by(item_id=item_id).count() == 0
    assert RecordItem.query.count() == len(started) - 1


def test_the_case_removal_says_its_records_go_too(signed_in, visit, started):
    page = signed_in.get(f"/cases/{visit.case_id}/delete").text
    assert f"{len(started)} records on the records list" in page


def test_another_households_records_are_out_of_reach(signed_in, visit, stranger, started):
    item = started["labs"]
    for action in (signed_in.get, signed_in.post):
        assert action(f"/cases/{stranger.case_id}/records/{item.id}/delete").status_code == 404
    assert db.session.get(RecordItem, item.id) is not None
    assert signed_in.get(f"/cases/{stranger.case_id}/records").status_code == 404
    assert signed_in.post(f"/cases/{stranger.case_id}/records/{item.id}",
                          data={"state": "sent"}).status_code == 404
    assert signed_in.post(f"/cases/{stranger.case_id}/records/start").status_code == 404
    assert RecordItem.query.filter_by(case_id=stranger.case_id).count() == 0

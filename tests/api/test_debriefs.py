"""Debriefs: each person's own, every save kept, written at home or synced from a phone."""

import uuid

import pytest

from webapp.extensions import db
from webapp.models import DebriefEntry, Member
from webapp.services import accounts, debriefs


def test_each_save_is_kept_and_the_latest_by_clock_is_the_debrief(owner, visit):
    debriefs.save_debrief(visit, owner, takeaways="First thoughts",
                          hlc="1800000000002-0000-phoneb")
    debriefs.save_debrief(visit, owner, takeaways="Written earlier on the other phone",
                          hlc="1800000000001-0000-phonea")
    db.session.commit()
    [(latest, earlier)] = debriefs.latest_by_author(visit)
    assert latest.takeaways == "First thoughts" and earlier == 1
    assert DebriefEntry.query.count() == 2


def test_a_phone_saves_a_debrief_once_whatever_the_network_does(phone, visit):
    entry_id = str(uuid.uuid4())
    mutation = phone.mutation("debrief.save", {"visit_id": visit.id, "heard": "Wait six weeks",
                                               "words": "meniscus"}, id=entry_id)
    assert phone.push(mutation).get_json()["rejections"] == []
    phone.push(mutation)  # a retry of the same seq
    entry = DebriefEntry.query.one()
    assert (entry.heard, entry.words, str(entry.id)) == ("Wait six weeks", "meniscus", entry_id)
    pulled = phone.pull().get_json()["changes"]
    [change] = [c for c in pulled if c["entity"] == "debrief"]
    assert change["data"]["heard"] == "Wait six weeks" and change["data"]["author"] == "Sam"


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Write something in at least one box"),
    ({"heard": "   "}, "Write something in at least one box"),
    ({"heard": "x" * 10_001}, "under 10,000 characters"),
    ({"heard": "a\x00b"}, "a character we cannot store"),
    ({"heard": "ok", "mood": "unknown"}, "did not expect"),
])
def test_a_bad_debrief_is_refused_in_plain_words_and_stores_nothing(phone, visit, data, message):
    body = phone.push(phone.mutation("debrief.save", {"visit_id": visit.id, **data})).get_json()
    [rejection] = body["rejections"]
    assert message in rejection["message"]
    assert DebriefEntry.query.count() == 0


def test_at_home_each_person_sees_everyone_side_by_side(app, signed_in, visit):
    page = signed_in.get(f"/visits/{visit.id}/debrief")
    assert page.status_code == 200 and "No debrief has reached the home computer yet." in page.text
    saved = signed_in.post(f"/visits/{visit.id}/debrief",
                           data={"takeaways": "Surgery is not urgent", "heard": "Six weeks"})
    assert saved.status_code == 303
    companion = accounts.invite_companion(visit.case, "Grandpa Joe")
    debriefs.save_debrief(visit, companion, heard="Maybe eight weeks")
    db.session.commit()
    page = signed_in.get(f"/visits/{visit.id}/debrief").text
    everyone = page[page.index('id="everyone-heading"'):]
    assert "Surgery is not urgent" in everyone and "Maybe eight weeks" in everyone
    assert everyone.index("Grandpa Joe") < everyone.index("Sam")  # by name, one column each
    htmx = {"HX-Request": "true", "HX-Target": "debrief"}
    refused = signed_in.post(f"/visits/{visit.id}/debrief", data={"takeaways": " "},
                             headers=htmx)
    assert refused.status_code == 422 and "Write something in at least one box" in refused.text
    assert refused.text.lstrip().startswith('<div id="debrief"')  # the region htmx swaps
    again = signed_in.post(f"/visits/{visit.id}/debrief", data={"words": "tibia"}, headers=htmx)
    assert again.status_code == 200 and "tibia" in again.text and "Saved" in again.text
    assert DebriefEntry.query.filter_by(author_id=Member.query.filter_by(
        name="Sam").one().id).count() == 2

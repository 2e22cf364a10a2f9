"""A companion invited to one case: sees and writes that case's visits, nothing else."""

import json
import re
import uuid

import pytest

from tests.days import in_days, years_ago
from tests.webapp.test_routes import guarded_rules
from webapp.extensions import db
from webapp.models import ComparisonRow, Letter, Member, Note
from webapp.services import cases, visits

EVERYONE = {"home.index", "installed.start", "installed.help_page", "devices.create",
            "auth.signout", "offline.fragments", "phone.index"}


@pytest.fixture
def other_case(owner, visit):
    """A second case of the same household, with a visit and a note the companion must not see."""
    child = cases.add_child(owner.household_id, name="Bea", birth_date=years_ago(7, 2, 2))
    case = cases.add_case(child, diagnosis="Private matter", safe_to_wait="yes")
    other = visits.add_visit(case, visit.clinician_id, in_days(9))
    visits.add_from_library(other, ["diagnosis-agree"])
    db.session.commit()
    from webapp.services import capture
    capture.add_note(other, owner, "Not for the companion")
    db.session.commit()
    return other


def invite(home, case_id, name="Grandma Rosa"):
    page = home.post(f"/cases/{case_id}/companions", data={"name": name})
    assert page.status_code == 200, page.text
    return re.search(r"http://localhost(/pair/[\w-]+)", page.text).group(1)


@pytest.fixture
def companion(app, signed_in, visit):
    """Grandma Rosa's phone, paired by her invitation to the first visit's case."""
    link = invite(signed_in, visit.case_id)
    phone = app.test_client()
    assert phone.post(link, data={"name": "Rosa's phone"}).status_code == 303
    return phone


def test_an_invitation_shows_who_and_which_case(signed_in, visit):
    page = signed_in.post(f"/cases/{visit.case_id}/companions", data={"name": "Grandma Rosa"})
    assert "Invite Grandma Rosa" in page.text and "this case only" in page.text
    assert 'aria-label="QR code of the invitation link"' in page.text
    rosa = Member.query.filter_by(name="Grandma Rosa").one()
    assert rosa.role == "companion" and rosa.case_id == visit.case_id
    assert "Grandma Rosa" in signed_in.get(f"/cases/{visit.case_id}").text


def test_the_companion_sees_their_case_only(companion, visit, other_case):
    home = companion.get("/").text
    assert f"/visits/{visit.id}" in home and f"/visits/{other_case.id}" not in home
    assert "Your children" not in home and "Private matter" not in home
    assert companion.get(f"/visits/{visit.id}").status_code == 200
    assert companion.get(f"/visits/{visit.id}/summary").status_code == 200
    assert "Not for the companion" not in companion.get(f"/visits/{visit.id}").text
    for url in (f"/visits/{other_case.id}", f"/visits/{other_case.id}/summary",
                f"/cases/{other_case.case_id}", f"/cases/{visit.case_id}", "/clinicians",
                "/devices", f"/children/{other_case.case.child_id}", "/children/new",
                f"/visits/{visit.id}/questions", f"/cases/{visit.case_id}/opinions",
                f"/cases/{visit.case_id}/compare", f"/cases/{visit.case_id}/decision",
                "/export"):
        response = companion.get(url)
        assert response.status_code == 404, url
        assert "Private matter" not in response.text


def test_every_route_of_another_case_is_not_found_for_a_companion(companion, other_case):
    from webapp.services import decisions, opinions

    question = other_case.questions[0]
    opinion = opinions.save_opinion(other_case.case, visit_id=other_case.id,
                                    topics={"diagnosis": "x"}, sources={})
    decision = decisions.decide(other_case.case, option="continue", reasons="x",
                                decided_on=in_days(10))
    db.session.commit()
    values = {"visit_id": str(other_case.id), "case_id": str(other_case.case_id),
              "child_id": str(other_case.case.child_id), "question_id": str(question.id),
              "device_id": str(uuid.uuid4()), "member_id": "1",
              "opinion_id": str(opinion.id), "decision_id": str(decision.id),
              "topic": "diagnosis", "kind": "tell-first"}
    app = companion.application
    checked = 0
    for rule in guarded_rules(app):
        if rule.endpoint in EVERYONE:
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "x"), rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = companion.open(url, method=method, data={
                "text": "x", "name": "x", "verdict": "agree", "reason": "x", "diagnosis": "x"})
            assert response.status_code == 404, (rule.rule, method, response.status_code)
            checked += 1
    assert checked >= 20
    assert Note.query.count() == 1  # the owner's note only: nothing written
    assert decisions.current(other_case.case) is not None  # not reopened
    assert ComparisonRow.query.count() == 0 and Letter.query.count() == 0


def test_the_companion_writes_in_their_case_under_their_own_name(companion, visit):
    response = companion.post(f"/visits/{visit.id}/notes", data={"text": "Rosa heard this"})
    assert response.status_code == 303
    note = Note.query.one()
    assert note.author.name == "Grandma Rosa"
    assert "Grandma Rosa" in companion.get(f"/visits/{visit.id}").text


def sync(phone, path, device, **body):
    return phone.post(f"/api/v1/sync/{path}", json={"device_id": device["device_id"], **body},
                      headers={"Authorization": f"Bearer {device['token']}"})


def test_the_companions_phone_syncs_their_case_only(companion, visit, other_case):
    device = companion.post("/devices", data={"name": "Phone"}).get_json()
    assert device["author"] == "Grandma Rosa"
    mine = {"seq": 1, "op": "note.create", "id": str(uuid.uuid4()),
            "hlc": "1800000000000-0000-rosa", "data": {"visit_id": visit.id, "text": "Mine"}}
    theirs = {"seq": 2, "op": "note.create", "id": str(uuid.uuid4()),
              "hlc": "1800000000001-0000-rosa", "data": {"visit_id": other_case.id, "text": "No"}}
    body = sync(companion, "push", device, schema_version=1, mutations=[mine, theirs]).get_json()
    assert body["last_applied_seq"] == 2
    assert [r["code"] for r in body["rejections"]] == ["not_found"]
    snapshot = sync(companion, "pull", device, cursor=None).get_json()
    texts = [c["data"].get("text") for c in snapshot["changes"] if c["entity"] == "note"]
    assert texts == ["Mine"]
    visit_ids = {c["data"]["visit_id"] for c in snapshot["changes"] if "visit_id" in c["data"]}
    assert visit_ids == {visit.id}
    # Later changes in the other case never reach the companion's phone either.
    from webapp.services import capture
    capture.add_note(db.session.get(type(other_case), other_case.id),
                     Member.query.filter_by(role="owner").one(), "Still private")
    db.session.commit()
    later = sync(companion, "pull", device, cursor=snapshot["cursor"]).get_json()
    assert later["changes"] == []


def test_a_removed_companion_is_locked_out_and_their_notes_stay(signed_in, companion, visit):
    device = companion.post("/devices", data={"name": "Phone"}).get_json()
    companion.post(f"/visits/{visit.id}/notes", data={"text": "Rosa's note"})
    rosa = Member.query.filter_by(name="Grandma Rosa").one()
    response = signed_in.post(f"/cases/{visit.case_id}/companions/{rosa.id}/remove")
    assert response.status_code == 303
    assert companion.get(f"/visits/{visit.id}").status_code == 303  # to sign in
    assert sync(companion, "pull", device, cursor=None).status_code == 401
    summary = signed_in.get(f"/visits/{visit.id}/summary").text
    assert "Rosa&#39;s note" in summary and "Grandma Rosa" in summary
    assert "Removed" in signed_in.get(f"/cases/{visit.case_id}").text


def test_a_companion_cannot_be_removed_through_another_case(signed_in, visit, other_case):
    invite(signed_in, visit.case_id)
    rosa = Member.query.filter_by(name="Grandma Rosa").one()
    response = signed_in.post(f"/cases/{other_case.case_id}/companions/{rosa.id}/remove")
    assert response.status_code == 404
    assert db.session.get(Member, rosa.id).removed_at is None


def test_an_invitation_needs_a_name_not_taken(signed_in, visit):
    for name, message in [("", "Write the name"), ("Sam", "Someone here has that name")]:
        response = signed_in.post(f"/cases/{visit.case_id}/companions", data={"name": name})
        assert response.status_code == 422 and message in response.text
    assert Member.query.count() == 1


def test_every_entry_says_who_wrote_it_on_each_screen(signed_in, companion, visit):
    question = visit.questions[0]
    companion.post(f"/visits/{visit.id}/questions/{question.id}/answers",
                   data={"text": "Two weeks"})
    companion.post(f"/visits/{visit.id}/consent", data={"kind": "agreed", "who": "Dr Okafor"})
    companion.post(f"/visits/{visit.id}/notes", data={"text": "Rosa's note"})
    pages = [signed_in.get(f"/visits/{visit.id}/summary"), signed_in.get(f"/visits/{visit.id}"),
             companion.get(f"/visits/{visit.id}")]
    for page in (response.text for response in pages):
        assert re.search(r'Two weeks(</span>)? <span class="byline">\(Grandma Rosa\)</span>', page)
        assert "(logged by Grandma Rosa)" in page
        assert "· Grandma Rosa" in page  # the note's meta line
    companion.post(f"/visits/{visit.id}/questions/{question.id}/asked", data={"asked": "true"})
    summary = signed_in.get(f"/visits/{visit.id}/summary").text
    assert "(asked, ticked by Grandma Rosa)" in summary
    fragments = companion.get("/sw/fragments.json").get_json()
    assert "%%author%%" in fragments["answer"] and "%%author%%" in fragments["consent_item"]
    assert "Grandma Rosa" not in str(fragments)  # nothing of one person in the worker's markup


def test_a_companion_gets_a_new_link_for_another_phone_until_removed(app, signed_in, visit):
    invite(signed_in, visit.case_id)
    rosa = Member.query.filter_by(name="Grandma Rosa").one()
    page = signed_in.post(f"/cases/{visit.case_id}/companions/{rosa.id}/link")
    assert page.status_code == 200 and "Invite Grandma Rosa" in page.text
    link = re.search(r"http://localhost(/pair/[\w-]+)", page.text).group(1)
    phone = app.test_client()
    assert phone.post(link, data={"name": "Rosa's new phone"}).status_code == 303
    assert phone.post("/devices", data={"name": "x"}).get_json()["author"] == "Grandma Rosa"
    assert Member.query.filter_by(name="Grandma Rosa").count() == 1  # the same person
    signed_in.post(f"/cases/{visit.case_id}/companions/{rosa.id}/remove")
    refused = signed_in.post(f"/cases/{visit.case_id}/companions/{rosa.id}/link")
    assert refused.status_code == 422 and "was removed from this case" in refused.text


def test_get_ready_keeps_only_the_pages_the_person_may_open(owners_phone, companion, visit):
    mine = re.search(r"data-urls='([^']*)'", owners_phone.get(f"/visits/{visit.id}").text).group(1)
    theirs = re.search(r"data-urls='([^']*)'", companion.get(f"/visits/{visit.id}").text).group(1)
    assert f"/visits/{visit.id}/questions" in mine
    assert json.loads(theirs) == [f"/visits/{visit.id}", f"/visits/{visit.id}/debrief", "/phone"]


def _notes_of(visit, owner_name="Sam"):
    """The parent's note and Rosa's, by their authors."""
    by = {note.author.name: note for note in Note.query.filter_by(visit_id=visit.id)}
    return by[owner_name], by["Grandma Rosa"]


def test_a_companion_changes_only_her_own_notes_on_the_pages(signed_in, companion, visit):
    signed_in.post(f"/visits/{visit.id}/notes", data={"text": "Sam's words"})
    companion.post(f"/visits/{visit.id}/notes", data={"text": "Rosa's words"})
    sams, rosas = _notes_of(visit)
    for url in (f"/visits/{visit.id}/notes/{sams.id}/edit",
                f"/visits/{visit.id}/notes/{sams.id}/delete"):
        assert companion.get(url).status_code == 403
        refused = companion.post(url, data={"text": "Rosa's words", "base_version": 1})
        assert refused.status_code == 403 and "only your own notes" in refused.text
    db.session.expire_all()
    assert (sams.text, sams.deleted_at, sams.revisions) == ("Sam's words", None, [])
    for page in (companion.get(f"/visits/{visit.id}").text,
                 companion.get(f"/visits/{visit.id}/summary").text):
        assert f"/notes/{sams.id}/edit" not in page and f"/notes/{rosas.id}/edit" in page
    assert f"/notes/{rosas.id}/edit" in signed_in.get(f"/visits/{visit.id}/summary").text
    mine = companion.post(f"/visits/{visit.id}/notes/{rosas.id}/edit",
                          data={"text": "Rosa's better words", "base_version": 1})
    assert mine.status_code == 303


def test_a_companions_phone_cannot_change_a_parents_note_and_is_told_why(
        signed_in, companion, visit):
    signed_in.post(f"/visits/{visit.id}/notes", data={"text": "Sam's words"})
    sams = Note.query.one()
    device = companion.post("/devices", data={"name": "Phone"}).get_json()
    mutations = [{"seq": 1, "op": "note.edit", "id": str(uuid.uuid4()),
                  "hlc": "1800000000000-0000-rosa",
                  "data": {"visit_id": visit.id, "note_id": str(sams.id), "base_version": 1,
                           "text": "Rosa's words", "tags": []}},
                 {"seq": 2, "op": "note.delete", "id": str(uuid.uuid4()),
                  "hlc": "1800000000001-0000-rosa",
                  "data": {"visit_id": visit.id, "note_id": str(sams.id), "base_version": 1}}]
    body = sync(companion, "push", device, schema_version=1, mutations=mutations).get_json()
    assert body["last_applied_seq"] == 2
    assert [r["code"] for r in body["rejections"]] == ["not_allowed", "not_allowed"]
    assert "only your own notes" in body["rejections"][0]["message"]
    db.session.expire_all()
    assert (sams.text, sams.deleted_at, sams.revisions) == ("Sam's words", None, [])


def test_the_summary_shows_who_changed_a_note_and_its_earlier_words(signed_in, companion, visit):
    companion.post(f"/visits/{visit.id}/notes", data={"text": "Rosa's first words"})
    rosas = Note.query.one()
    companion.post(f"/visits/{visit.id}/notes/{rosas.id}/edit",
                   data={"text": "Rosa's second words", "base_version": 1})
    signed_in.post(f"/visits/{visit.id}/notes/{rosas.id}/edit",
                   data={"text": "Sam's tidy words", "base_version": 2})
    summary = signed_in.get(f"/visits/{visit.id}/summary").text
    assert re.search(r"Changed by Grandma Rosa at [\d:]+; earlier: .*Rosa&#39;s first words",
                     summary, re.S)
    assert re.search(r"Changed by Sam at [\d:]+; earlier: .*Rosa&#39;s second words", summary,
                     re.S)


def test_a_companions_phone_offers_edit_on_her_own_notes_only(signed_in, companion, visit):
    signed_in.post(f"/visits/{visit.id}/notes", data={"text": "Sam's words"})
    rosa = Member.query.filter_by(name="Grandma Rosa").one()
    assert f'data-own-notes-only="{rosa.id}"' in companion.get(f"/visits/{visit.id}").text
    assert "data-own-notes-only" not in signed_in.get(f"/visits/{visit.id}").text
    fragments = companion.get("/sw/fragments.json").get_json()
    assert "data-edit-note" in fragments["note"]
    assert "data-edit-note" not in fragments["note_locked"]
    assert "%%text%%" in fragments["unsaved"] and "not saved" in fragments["unsaved"]
    device = companion.post("/devices", data={"name": "Phone"}).get_json()
    pulled = sync(companion, "pull", device, cursor=None).get_json()["changes"]
    sam = Member.query.filter_by(name="Sam").one()
    assert [c["data"]["author_id"] for c in pulled if c["entity"] == "note"] == [sam.id]


def test_a_companion_is_asked_to_settle_only_her_own_notes(signed_in, companion, visit):
    signed_in.post(f"/visits/{visit.id}/notes", data={"text": "Sam's words"})
    sams = Note.query.one()
    for words in ("At home", "On the phone"):  # two edits from version 1: a conflict
        signed_in.post(f"/visits/{visit.id}/notes/{sams.id}/edit",
                       data={"text": words, "base_version": 1})
    assert "Nothing to settle" in companion.get(f"/visits/{visit.id}/conflicts").text
    assert "changed in two places" not in companion.get(f"/visits/{visit.id}/summary").text
    assert "changed in two places" in signed_in.get(f"/visits/{visit.id}/summary").text


def test_the_companions_phone_hears_of_no_deletion_in_another_case(companion, visit, other_case):
    from webapp.models import Note, Recording, Visit
    from webapp.services import capture, notes, recordings

    owner = Member.query.filter_by(role="owner").one()
    other = db.session.get(Visit, other_case.id)
    capture.record_consent(other, owner, "agreed", "Dr Okafor")
    recording = recordings.start_recording(other, owner, "audio/webm")
    mine = capture.add_note(visit, owner, "In Rosa's case")
    db.session.commit()
    device = companion.post("/devices", data={"name": "Phone"}).get_json()
    cursor = sync(companion, "pull", device, cursor=None).get_json()["cursor"]
    note = Note.query.filter_by(visit_id=other.id).one()
    notes.delete_note(note, owner, base_version=1)
    recordings.delete_recording(db.session.get(Recording, recording.id), owner)
    visits.remove_question(other, other.questions[0])
    notes.delete_note(db.session.get(Note, mine.id), owner, base_version=1)
    db.session.commit()
    changes = sync(companion, "pull", device, cursor=cursor).get_json()["changes"]
    assert changes == [{"entity": "note", "id": str(mine.id), "deleted": True}]  # hers only


def test_a_deletion_logged_without_its_case_starts_the_companions_phone_over(companion, visit):
    """Changes logged before they kept their case: a row deleted since could be any case's."""
    from webapp.models import Change, Household

    device = companion.post("/devices", data={"name": "Phone"}).get_json()
    cursor = sync(companion, "pull", device, cursor=None).get_json()["cursor"]
    household = db.session.get(Household, visit.household_id)
    household.version += 1
    db.session.add(Change(household_id=household.id, version=household.version,
                          entity="question", entity_id=str(uuid.uuid4()), deleted=True))
    db.session.commit()
    later = sync(companion, "pull", device, cursor=cursor).get_json()
    assert later["reset"] is True and later["cursor"] == str(household.version)
    assert {c["data"]["visit_id"] for c in later["changes"]} == {visit.id}


def test_a_removed_companion_invited_again_sends_what_her_phone_kept_once(
        app, signed_in, companion, visit):
    device = companion.post("/devices", data={"name": "Phone"}).get_json()
    kept = {"seq": 1, "op": "note.create", "id": str(uuid.uuid4()),
            "hlc": "1800000000000-0000-rosa", "data": {"visit_id": visit.id, "text": "Kept"}}
    rosa = Member.query.filter_by(name="Grandma Rosa").one()
    signed_in.post(f"/cases/{visit.case_id}/companions/{rosa.id}/remove")
    refused = sync(companion, "push", device, schema_version=1, mutations=[kept])
    assert refused.status_code == 401 and refused.get_json()["code"] == "phone_removed"
    assert "Invite Grandma Rosa again" in signed_in.get(f"/cases/{visit.case_id}").text
    by_name = signed_in.post(f"/cases/{visit.case_id}/companions", data={"name": "grandma rosa"})
    assert by_name.status_code == 422 and "Grandma Rosa was removed from this case: to " \
        "invite them again, use “Invite Grandma Rosa again”" in by_name.text.replace("&#34;", '"')

    page = signed_in.post(f"/cases/{visit.case_id}/companions/{rosa.id}/again")
    assert page.status_code == 200 and "Invite Grandma Rosa" in page.text
    link = re.search(r"http://localhost(/pair/[\w-]+)", page.text).group(1)
    paired = companion.post(link, data={"name": "Rosa's phone"})
    assert paired.status_code == 303, re.findall(r'<li>.*?</li>|<p class="error[^<]*', paired.text)
    again = companion.post("/devices", data={"name": "Phone"}).get_json()
    assert again["author"] == "Grandma Rosa"
    for _ in range(2):  # sent twice (an answer lost on the way): kept once
        sync(companion, "push", again, schema_version=1, mutations=[kept])
    assert [(note.text, note.author.name) for note in Note.query] == [("Kept", "Grandma Rosa")]
    assert Member.query.filter_by(name="Grandma Rosa").count() == 1  # the same person

"""Removing records, visits and cases: the files on disk go only once the removal is
committed, and only those no remaining record uses (files are stored once, by content)."""

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import Attachment, RecordItem
from webapp.services import attachments, case_records, cases, removal

SCAN = b"\x89PNG\r\n\x1a\n" + b"a scan of the knee" * 50
LETTER = b"%PDF-1.7\n" + b"the discharge letter" * 50


@pytest.fixture
def files(app, tmp_path):
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "attachments")
    return tmp_path / "attachments"


def sha(data):
    return hashlib.sha256(data).hexdigest()


def on_disk(files):
    return {p.name for p in files.rglob("*") if p.is_file() and "partial" not in p.parts}


def partials(files):
    return {p.name for p in (files / "partial").glob("*")}


def another_case(visit):
    return cases.add_case(visit.case.child, diagnosis="Shoulder pain", safe_to_wait="yes")


def attach(files, case, owner, *contents, title="Scans"):
    item = case_records.add_item(case, owner, title)
    for data in contents:
        attachments.add_whole(files, item, owner, data)
    return item


def test_a_removed_cases_files_go_once_the_removal_is_committed(visit, owner, files):
    attach(files, visit.case, owner, SCAN, LETTER)
    db.session.commit()
    removal.remove_case(visit.case)
    assert on_disk(files) == {sha(SCAN), sha(LETTER)}  # not yet: it may still roll back
    db.session.commit()
    assert on_disk(files) == set()


def test_a_file_another_record_has_too_stays(visit, owner, files):
    attach(files, visit.case, owner, SCAN, LETTER)
    kept = attach(files, another_case(visit), owner, SCAN)
    db.session.commit()
    removal.remove_case(visit.case)
    db.session.commit()
    assert on_disk(files) == {sha(SCAN)}
    case_records.remove_item(kept)
    db.session.commit()
    assert on_disk(files) == set()


def test_a_removal_that_fails_to_commit_keeps_every_file(visit, owner, files):
    attach(files, visit.case, owner, SCAN, LETTER)
    db.session.commit()
    removal.remove_case(visit.case)
    db.session.add(RecordItem(case_id=visit.case_id, title=None))  # the database refuses it
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert on_disk(files) == {sha(SCAN), sha(LETTER)}
    assert db.session.query(Attachment).count() == 2
    cases.add_clinician(owner.household_id, name="Dr Later")
    db.session.commit()  # a later commit does not act on the failed removal
    assert on_disk(files) == {sha(SCAN), sha(LETTER)}


def test_a_savepoint_inside_the_removal_is_not_its_commit(visit, owner, files):
    attach(files, visit.case, owner, SCAN)
    db.session.commit()
    removal.remove_case(visit.case)
    with db.session.begin_nested():  # as a checklist tick makes one
        cases.add_clinician(owner.household_id, name="Dr Savepoint")
    assert on_disk(files) == {sha(SCAN)}
    db.session.commit()
    assert on_disk(files) == set()


def test_partial_uploads_of_removed_records_go_too(visit, owner, files):
    gone = attach(files, visit.case, owner, title="X-rays")
    kept = attach(files, another_case(visit), owner, title="Blood tests")
    db.session.commit()
    for item in (gone, kept):
        attachments.add_piece(files, item, owner, sha(LETTER), len(LETTER), 0, LETTER[:100])
    case_records.remove_item(gone)
    assert partials(files) == {f"{gone.id}-{sha(LETTER)}", f"{kept.id}-{sha(LETTER)}"}
    db.session.commit()
    assert partials(files) == {f"{kept.id}-{sha(LETTER)}"}


def test_removing_a_visit_leaves_the_cases_records_and_files(visit, owner, files):
    attach(files, visit.case, owner, SCAN)
    db.session.commit()
    removal.remove_visit(visit)
    db.session.commit()
    assert on_disk(files) == {sha(SCAN)}


contents = st.binary(min_size=1, max_size=64).map(lambda tail: b"%PDF-" + tail)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(records=st.lists(st.lists(st.sampled_from([SCAN, LETTER]) | contents, max_size=3),
                        min_size=1, max_size=5),
       data=st.data())
def test_what_stays_on_disk_is_exactly_what_records_still_use(visit, owner, files, records,
                                                              data):
    made = [attach(files, visit.case, owner, *set(files_of)) for files_of in records]
    db.session.commit()
    for item in data.draw(st.lists(st.sampled_from(made), unique_by=id)):
        case_records.remove_item(item)
        db.session.commit()
    used = set(db.session.scalars(db.select(Attachment.sha256)))
    assert on_disk(files) == used

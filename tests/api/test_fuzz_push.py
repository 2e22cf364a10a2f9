"""Property: whatever a phone sends inside its mutations, the queue never jams.

Random text (NUL bytes, lone surrogates, any code point), numbers beyond every
column, wrong types and extra fields go through every op. Each push answers
below 500, the ledger moves past every mutation, and each one is either
applied or kept as a rejection, on SQLite and PostgreSQL alike.
"""

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.extensions import db
from webapp.models import (
    Answer,
    AskedEvent,
    ConsentEvent,
    DebriefEntry,
    Device,
    Member,
    Note,
    NoteRevision,
    Recording,
    Rejection,
)
from webapp.services import capture, recordings
from webapp.wire.ops import OPS

EDGES = ["\x00", "a\x00b", "\ud800", "\udfff", "\ud83d\ude00", "\ufeff", "\u202e", "", " ",
         "x" * 10_001, "<script>", "💥" * 3]
hostile_text = st.one_of(st.sampled_from(EDGES),
                         st.text(st.characters(codec=None, categories=None), max_size=40),
                         st.binary(max_size=20).map(lambda raw: raw.decode("latin-1")))
hostile_number = st.one_of(st.integers(-(2**70), 2**70), st.sampled_from(
    [0, -1, 2**31 - 1, 2**31, 2**63, -(2**63) - 1, True, False]), st.floats(allow_nan=False))
anything = st.one_of(hostile_text, hostile_number, st.none(),
                     st.lists(hostile_text, max_size=3),
                     st.dictionaries(hostile_text, hostile_text, max_size=2))
STORED = {"note.create": Note, "answer.create": Answer, "consent.record": ConsentEvent,
          "question.mark_asked": AskedEvent, "note.edit": NoteRevision,
          "note.delete": NoteRevision, "debrief.save": DebriefEntry,
          "recording.start": Recording}
# Ops on a recording that exists: applied means the recording shows it (a stop after
# a delete changes nothing).
CHANGED = {"recording.stop": lambda recording: (recording.chunk_count is not None
                                                or recording.deleted_at is not None),
           "recording.delete": lambda recording: recording.deleted_at is not None}


def a_recording(visit):
    """The visit's recording, under a logged agreement, for stop and delete to act on."""
    recording = db.session.scalars(db.select(Recording).where(
        Recording.visit_id == visit.id)).first()
    if recording is None:
        author = Member.query.filter_by(household_id=visit.household_id).first()
        capture.record_consent(visit, author, "agreed", "Dr A")
        recording = recordings.start_recording(visit, author, "audio/webm;codecs=opus")
        db.session.commit()
    return str(recording.id)


def valid_data(visit):
    question = str(visit.questions[0].id)
    note = db.session.scalars(db.select(Note).where(Note.visit_id == visit.id)).first()
    if note is None:
        author = Member.query.filter_by(household_id=visit.household_id).first()
        note = capture.add_note(visit, author, "To be edited")
        db.session.commit()
    edit = {"visit_id": visit.id, "note_id": str(note.id), "base_version": 1}
    return {
        "note.edit": {**edit, "text": "edited", "tags": []},
        "note.delete": edit,
        "note.create": {"visit_id": visit.id, "text": "ok", "tags": ["risk"]},
        "answer.create": {"visit_id": visit.id, "question_id": question, "text": "ok"},
        "consent.record": {"visit_id": visit.id, "kind": "agreed", "who": "Dr A"},
        "question.mark_asked": {"visit_id": visit.id, "question_id": question, "asked": True},
        "debrief.save": {"visit_id": visit.id, "takeaways": "ok", "heard": "ok"},
        "recording.start": {"visit_id": visit.id, "mime_type": "audio/webm;codecs=opus"},
        "recording.stop": {"visit_id": visit.id, "recording_id": a_recording(visit),
                           "duration_ms": 1000, "stop_reason": "stopped", "chunk_count": 1,
                           "gaps": [{"at_ms": 10, "length_ms": 5}]},
        "recording.delete": {"visit_id": visit.id, "recording_id": a_recording(visit)},
    }


@st.composite
def mutation_drafts(draw):
    """An op with some of its fields replaced by hostile values, and maybe an extra one."""
    op = draw(st.sampled_from(sorted(OPS)))
    spoiled = draw(st.dictionaries(st.sampled_from(
        ["visit_id", "question_id", "text", "tags", "kind", "who", "asked", "note_id",
         "base_version", "takeaways", "heard", "recording_id", "recording_offset_ms",
         "mime_type", "duration_ms", "stop_reason", "chunk_count", "gaps", "withdrawn_at"]),
        anything,
        max_size=3))
    envelope = draw(st.dictionaries(st.sampled_from(["op", "id", "hlc"]), hostile_text,
                                    max_size=1))
    return op, spoiled, envelope


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drafts=st.lists(mutation_drafts(), min_size=1, max_size=6))
def test_any_content_is_applied_or_rejected_and_the_ledger_moves_on(phone, visit, drafts):
    valid = valid_data(visit)
    mutations = []
    for op, spoiled, envelope in drafts:
        data = {**valid[op], **spoiled}
        mutations.append({**phone.mutation(op, data, id=uuid.uuid4()), **envelope})

    response = phone.push(*mutations)

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["last_applied_seq"] == phone.seq
    device = db.session.get(Device, phone.device.id, populate_existing=True)
    assert device.last_applied_seq == phone.seq
    rejected = {r["seq"] for r in body["rejections"]}
    for mutation in mutations:
        if mutation["seq"] in rejected:
            assert db.session.query(Rejection).filter_by(
                device_id=phone.device.id, seq=mutation["seq"]).count() == 1
            continue
        if mutation["op"] in CHANGED:
            recording = db.session.get(Recording, uuid.UUID(mutation["data"]["recording_id"]),
                                       populate_existing=True)
            assert CHANGED[mutation["op"]](recording), mutation
            continue
        model = STORED[mutation["op"]]
        assert db.session.get(model, uuid.UUID(mutation["id"])) is not None, mutation

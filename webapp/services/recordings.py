"""Recordings of an appointment: started only under a logged agreement, stopped with
the reason (a withdrawal keeps its time), deleted as a tombstone, and their audio
received in numbered chunks from the phone.

A chunk is stored once per (recording, index): the unique key decides, never a
look-up first, so two uploads racing each other store one row, and the bytes
are a file named by their SHA-256 (services/blobs.py). A chunk whose bytes do
not match its SHA-256 (cut short on the way) keeps nothing. A recording is
offered as whole only once it has stopped and every chunk has arrived.
"""

from datetime import timedelta

from sqlalchemy import delete, func, select

from webapp.errors import Conflict, DomainError, NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import AskedEvent, ConsentEvent, Recording, RecordingChunk
from webapp.models._types import utcnow
from webapp.schemas.forms import MAX_CHUNKS
from webapp.services import attachments, changes, storage
from webapp.services.blobs import Joined, digest, files_root, hold, keep, sniff, valid_sha
from webapp.services.records import insert_once_under, insert_unique, owned_by, uuid7
from webapp.wire.entities import RECORDING

MAX_CHUNK_BYTES = 4 * 1024 * 1024  # a ten-second chunk is 40-200 KB
# What the first chunk of each container starts with (EBML, an Ogg page, an MP4 box).
CONTAINERS = {b"\x1a\x45\xdf\xa3": "audio/webm", b"OggS": "audio/ogg", (4, b"ftyp"): "audio/mp4"}
NO_CONSENT = "Ask first: record only after they agree, and log their answer."


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class WrongType(DomainError):
    status = 415
    code = "unsupported_type"


def container(mime_type):
    return mime_type.split(";")[0].strip()


def _until(at):
    """A phone's clock reads whole milliseconds: `at` stands for the whole of its one."""
    return at + timedelta(microseconds=999)


def consent_at(visit, at):
    """Return the visit's latest consent entry logged at or before `at`, or None."""
    return db.session.scalar(
        select(ConsentEvent).where(ConsentEvent.visit_id == visit.id,
                                   ConsentEvent.recorded_at <= _until(at))
        .order_by(ConsentEvent.recorded_at.desc()).limit(1))


def agreement_shown(visit, consent_id, at):
    """The agreement a phone showed when Record was tapped, if it still stood at `at`.

    Phones' clocks differ: an agreement logged on another phone whose clock runs ahead
    may read later than this phone's start, and the recording would be refused for
    ever, its sound stranded on the phone. So the entry the phone names is trusted when
    it is an agreement of this visit and no refusal or withdrawal was logged after it
    and before the start.
    """
    named = db.session.get(ConsentEvent, consent_id) if consent_id else None
    if named is None or named.visit_id != visit.id or named.kind != "agreed":
        return None
    ended = db.session.scalar(select(ConsentEvent.id).where(
        ConsentEvent.visit_id == visit.id, ConsentEvent.kind != "agreed",
        ConsentEvent.recorded_at > named.recorded_at,
        ConsentEvent.recorded_at <= _until(at)).limit(1))
    return None if ended else named


def start_recording(visit, author, mime_type, id=None, device=None, at=None, consent_id=None):
    """Start a recording of the visit, under the agreement the phone showed (`consent_id`)
    or else the one standing at `at`.

    Raises:
        ValidationFailed: neither is an agreement standing then.
        Conflict: the id is already used for another visit's recording.
    """
    at = at or utcnow()
    consent = agreement_shown(visit, consent_id, at) or consent_at(visit, at)
    if consent is None or consent.kind != "agreed":
        raise ValidationFailed({"consent": [NO_CONSENT]}, message=NO_CONSENT)
    row, created = insert_once_under(
        Recording, "visit_id", visit.id, id=id or uuid7(), author_id=author.id,
        device_id=device and device.id, consent_id=consent.id, mime_type=mime_type,
        started_at=at, gaps=[], created_at=utcnow())
    if created:
        changes.bump(visit, RECORDING, row)
    return db.session.get(Recording, row.id)


def get_recording(visit, recording_id):
    """Return a recording of this visit, deleted or not. Raises NotFound otherwise."""
    return owned_by(Recording, "visit_id", visit.id, recording_id)


def visible(visit):
    """Return the visit's recordings that are not deleted, oldest first."""
    return db.session.scalars(select(Recording).where(
        Recording.visit_id == visit.id, Recording.deleted_at.is_(None))
        .order_by(Recording.started_at)).all()


def made_by(recording, member):
    """Only the person whose phone made a recording sends its parts and ends it: another
    phone (a companion's, say) ending it early, or sending a part first, would have the
    real sound refused. Raises NotFound for anyone else."""
    if member is None or member.id != recording.author_id:
        raise NotFound()
    return recording


def stop_recording(recording, author, duration_ms, stop_reason, chunk_count, gaps=(),
                   withdrawn_at=None, id=None, device=None):
    """Keep how a recording ended: its length, why, the gaps and how many chunks it has.

    The first stop stands (a phone may send it again). A chunk already stored
    beyond `chunk_count` means the phone's count is wrong: refused.
    """
    made_by(recording, author)
    db.session.refresh(recording, with_for_update=True)
    db.session.expire(recording, ["chunks"])
    if recording.chunk_count is not None or recording.deleted_at is not None:
        return recording
    if any(chunk.index >= chunk_count for chunk in recording.chunks):
        raise ValidationFailed({"chunk_count": ["Some parts of this recording are missing."]})
    recording.duration_ms = duration_ms
    recording.stop_reason = stop_reason
    recording.withdrawn_at = withdrawn_at if stop_reason == "withdrawn" else None
    recording.gaps = [dict(gap) for gap in gaps]
    recording.chunk_count = chunk_count
    db.session.flush()
    changes.bump(recording.visit, RECORDING, recording)
    return recording


def delete_recording(recording, author=None, id=None, device=None):
    """Delete a recording: its chunks' files (unless another row uses the same bytes)
    once the deletion is committed, and the row kept as a tombstone for phones.

    The family deletes any recording; a companion only their own.
    """
    if author is not None and author.case_id is not None:
        made_by(recording, author)
    db.session.refresh(recording, with_for_update=True)
    db.session.expire(recording, ["chunks"])
    if recording.deleted_at is not None:
        return recording
    shas = [chunk.sha256 for chunk in recording.chunks]
    db.session.execute(delete(RecordingChunk).where(RecordingChunk.recording_id == recording.id))
    recording.deleted_at = utcnow()
    recording.transcript = None
    db.session.flush()
    db.session.expire(recording, ["chunks"])
    changes.bump(recording.visit, RECORDING, recording)
    # Only after the commit: a rolled-back delete must find its audio still there.
    attachments.delete_unused_after_commit((), shas)
    return recording


def add_chunk(recording, index, sha256, data):
    """Store chunk `index` of a recording; return whether it was new.

    Raises:
        NotFound: the recording was deleted.
        TooLarge: over MAX_CHUNK_BYTES.
        ValidationFailed: the bytes do not match `sha256` (nothing kept), or the
            index is beyond the recording's end.
        WrongType: the first chunk is not the recording's type, or a later one
            is a file of another kind.
        Conflict: another chunk is stored at this index already.
        NoRoom: past the recording's bound or the household's share (services/storage.py).
    """
    _check_open(recording, index)
    if len(data) > MAX_CHUNK_BYTES:
        raise TooLarge(f"A part of a recording may be at most {MAX_CHUNK_BYTES // 2**20} MB.")
    if digest(data) != valid_sha(sha256):
        raise ValidationFailed({"chunk": [attachments.DAMAGED]}, message=attachments.DAMAGED)
    _check_type(recording, index, data)
    _check_room(recording, index, len(data))
    hold(db.session.connection(), sha256)  # until commit: a delete waits for the row
    row, created = insert_unique(RecordingChunk, ("recording_id", "index"),
                                 recording_id=recording.id, index=index, sha256=sha256,
                                 size=len(data), created_at=utcnow())
    # Again once written: a delete or stop committed since is seen, and one not yet
    # committed waits for this (SQLite's one writer; PostgreSQL's key lock of the insert).
    db.session.refresh(recording)
    _check_open(recording, index)
    if row.sha256 != sha256:
        raise Conflict("A different part is stored at this place already.")
    keep(files_root(), sha256, data)  # again if already there: see blobs.keep
    return created


def _check_open(recording, index):
    if recording.deleted_at is not None:
        raise NotFound("This recording was deleted.")
    last = recording.chunk_count if recording.chunk_count is not None else MAX_CHUNKS
    if not 0 <= index < last:
        raise ValidationFailed({"index": ["This part is not in the recording."]})


def _check_room(recording, index, adding):
    """A new chunk must fit in the recording's bound and the household's share; one
    sent again is taken as before."""
    mine = RecordingChunk.recording_id == recording.id
    if db.session.scalar(select(RecordingChunk.id).where(mine, RecordingChunk.index == index)):
        return
    storage.check_recording(
        db.session.scalar(select(func.coalesce(func.sum(RecordingChunk.size), 0)).where(mine)),
        adding)
    storage.make_room(recording.visit.household_id, adding)


def _check_type(recording, index, data):
    """The first chunk starts as its container does; a later one (a continuation,
    which has no signature of its own) must not be a whole file of some kind."""
    kind = sniff(data[:16], CONTAINERS)
    expected = container(recording.mime_type)
    if (kind != expected if index == 0 else
            (kind not in (None, expected) or sniff(data[:16], attachments.SIGNATURES))):
        raise WrongType("This is not the sound this recording is made of.")


def received(recording):
    """Return the indexes of the chunks that arrived, in order."""
    return [chunk.index for chunk in recording.chunks]


def audio(recording):
    """Return the recording's sound: its chunk files, read in order as one (blobs.Joined),
    never joined in memory. Raises NotFound unless whole."""
    if recording.deleted_at is not None or not recording.complete:
        raise NotFound("This recording has not fully arrived yet.")
    return Joined(files_root(), [(chunk.sha256, chunk.size) for chunk in recording.chunks])


def moments(visit, recording):
    """Return what was taken during a recording, in order: (offset ms, kind, words, author)."""
    found = [(note.recording_offset_ms, "Note", note.text, note.author.name)
             for note in visit.notes if note.recording_id == recording.id]
    for question in visit.questions:
        found += [(answer.recording_offset_ms, "Answer", answer.text, answer.author.name)
                  for answer in question.answers if answer.recording_id == recording.id]
    ticks = db.session.scalars(select(AskedEvent).where(
        AskedEvent.recording_id == recording.id, AskedEvent.asked.is_(True)))
    questions = {question.id: question for question in visit.questions}
    found += [(tick.recording_offset_ms, "Asked", questions[tick.question_id].text,
               tick.author.name if tick.author else "")
              for tick in ticks if tick.question_id in questions]
    return sorted(found, key=lambda moment: moment[0])

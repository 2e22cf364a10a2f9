"""Recordings of an appointment, made on a phone with the clinician's permission.

A recording's id is the phone's, so a repeated start stores nothing twice. Its
audio arrives in numbered chunks, each kept as a file named by its SHA-256
(services/blobs.py); a chunk row says which file is which part.
"""

import uuid

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import UTCDateTime, utcnow


class Recording(db.Model):
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), nullable=True)
    # The consent entry (an agreement) it was made under.
    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent_event.id"))
    mime_type: Mapped[str] = mapped_column(String(80))
    started_at = mapped_column(UTCDateTime, nullable=False)
    # Set when it stops: how long, why (stopped, withdrawn, storage_full,
    # interrupted, time_limit), when consent was withdrawn, the gaps, how many chunks.
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stop_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    withdrawn_at = mapped_column(UTCDateTime, nullable=True)
    gaps: Mapped[list] = mapped_column(JSON, default=list)
    chunk_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    transcript: Mapped[list | None] = mapped_column(JSON, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    deleted_at = mapped_column(UTCDateTime, nullable=True)  # a tombstone: the row stays

    author: Mapped["Member"] = relationship()  # noqa: F821
    visit: Mapped["Visit"] = relationship()  # noqa: F821
    consent: Mapped["ConsentEvent"] = relationship()  # noqa: F821
    chunks: Mapped[list["RecordingChunk"]] = relationship(
        order_by="RecordingChunk.index", viewonly=True)

    @property
    def received(self):
        return len(self.chunks)

    @property
    def complete(self):
        """Stopped, and every chunk arrived: only then is it offered as whole."""
        return self.chunk_count is not None and self.received == self.chunk_count


class RecordingChunk(db.Model):
    __table_args__ = (UniqueConstraint("recording_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recording.id"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class TranscriptionJob(db.Model):
    """A request to write out a recording, run by a worker outside any request
    (services/transcripts.py). Two partial unique indexes hold the queue's rules in
    the database, across every server process: a recording has at most one job not
    finished (a double tap makes one job), and at most one job runs at a time."""

    __table_args__ = (
        Index("uq_transcription_job_live", "recording_id", unique=True,
              sqlite_where=text("finished_at IS NULL"),
              postgresql_where=text("finished_at IS NULL")),
        Index("uq_transcription_job_running", "status", unique=True,
              sqlite_where=text("status = 'running'"),
              postgresql_where=text("status = 'running'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recording_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("recording.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # running, done, failed
    # The parent who asked; none when the `flask transcribe` command queued it.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    started_at = mapped_column(UTCDateTime, nullable=True)
    finished_at = mapped_column(UTCDateTime, nullable=True)
    # While it runs, its worker says it is alive (a heartbeat): one silent too long
    # was cut off, its computer stopped. `attempts` counts its runs, each one's mark.
    heartbeat_at = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")

    recording: Mapped[Recording] = relationship()

    @property
    def live(self):
        return self.finished_at is None

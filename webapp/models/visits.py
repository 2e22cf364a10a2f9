"""A visit to a clinician and everything captured during it.

Answers, notes and consent events can be created on a phone with no signal,
so their primary key is a UUID the phone makes: a second delivery of the same
write hits the primary key instead of making a copy.
"""

import uuid
from datetime import date
from datetime import time as clock_time

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, Time, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import UTCDateTime, utcnow


class Visit(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[clock_time | None] = mapped_column(Time, nullable=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # The calendar file's SEQUENCE (RFC 5545 3.8.7.4): one more at each change of what the
    # event says, so a calendar that imports the file again updates its copy of the event.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    case: Mapped["Case"] = relationship(back_populates="visits")  # noqa: F821
    clinician: Mapped["Clinician"] = relationship()  # noqa: F821
    questions: Mapped[list["VisitQuestion"]] = relationship(
        back_populates="visit", order_by="VisitQuestion.position"
    )
    notes: Mapped[list["Note"]] = relationship(
        primaryjoin="and_(Note.visit_id == Visit.id, Note.deleted_at.is_(None))",
        order_by="Note.created_at.desc()", viewonly=True)
    consent_events: Mapped[list["ConsentEvent"]] = relationship(
        order_by="ConsentEvent.recorded_at"
    )
    recordings: Mapped[list["Recording"]] = relationship(  # noqa: F821
        primaryjoin="and_(Recording.visit_id == Visit.id, Recording.deleted_at.is_(None))",
        order_by="Recording.started_at", viewonly=True)


class VisitQuestion(db.Model):
    __table_args__ = (UniqueConstraint("visit_id", "template_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    template_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    asked_at = mapped_column(UTCDateTime, nullable=True)
    asked_hlc: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    visit: Mapped[Visit] = relationship(back_populates="questions")
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="question", order_by="Answer.created_at"
    )

    @property
    def asked(self):
        return self.asked_at is not None


class Answer(db.Model):
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    question_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visit_question.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Taken while recording: which recording, and how far into it (ms). No foreign
    # key: a note must never be refused for a recording that has not arrived.
    recording_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    recording_offset_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)

    author: Mapped["Member"] = relationship()  # noqa: F821
    question: Mapped[VisitQuestion] = relationship(back_populates="answers")


class Note(db.Model):
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Each edit moves the version on; an edit or delete names the version it saw.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    deleted_at = mapped_column(UTCDateTime, nullable=True)  # a tombstone: the row stays
    # Taken while recording: which recording, and how far into it (ms). No foreign
    # key: a note must never be refused for a recording that has not arrived.
    recording_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    recording_offset_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)

    author: Mapped["Member"] = relationship()  # noqa: F821
    visit: Mapped[Visit] = relationship()
    revisions: Mapped[list["NoteRevision"]] = relationship(
        back_populates="note", order_by="NoteRevision.created_at")

    @property
    def conflicts(self):
        """The edits and deletes that met a newer version, waiting for the family."""
        return [r for r in self.revisions if r.status == "conflict"]

    @property
    def history(self):
        """The changes of its words that took effect, oldest first, each with the words before."""
        return [r for r in self.revisions if r.previous_text is not None and r.kind == "edit"]


class NoteRevision(db.Model):
    """An edit or delete of a note, as sent (its id is the phone's), and what came of it:
    applied, or a conflict kept for the family to resolve, never a silent loss."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("note.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # edit or delete
    base_version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The note's words just before this took effect (applied, or chosen when settled),
    # so an edit never loses what it replaced.
    previous_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(10))  # applied, conflict or resolved
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    note: Mapped[Note] = relationship(back_populates="revisions")
    author: Mapped["Member"] = relationship()  # noqa: F821


class ConsentEvent(db.Model):
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    who: Mapped[str] = mapped_column(String(200))
    recorded_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    author: Mapped["Member"] = relationship()  # noqa: F821

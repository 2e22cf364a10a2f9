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

    case: Mapped["Case"] = relationship(back_populates="visits")  # noqa: F821
    clinician: Mapped["Clinician"] = relationship()  # noqa: F821
    questions: Mapped[list["VisitQuestion"]] = relationship(
        back_populates="visit", order_by="VisitQuestion.position"
    )
    notes: Mapped[list["Note"]] = relationship(order_by="Note.created_at.desc()")
    consent_events: Mapped[list["ConsentEvent"]] = relationship(
        order_by="ConsentEvent.recorded_at"
    )


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

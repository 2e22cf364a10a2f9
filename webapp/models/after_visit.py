"""After the visits: each clinician's opinion, the comparison, the decision, the letters.

Only the home computer writes these (they need the server, design.md §2), so
their keys are the database's own integers.
"""

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import UTCDateTime, utcnow


class Opinion(db.Model):
    """What one clinician said, topic by topic, with the notes and answers it came from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    # The visit it was given at, whose notes and answers its topics can point to.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), nullable=True)
    # One text per topic key (webapp/content/after_visit.toml), empty when not said.
    topics: Mapped[dict] = mapped_column(JSON, default=dict)
    # Per topic key, the ids ("note:<uuid>" or "answer:<uuid>") it came from.
    sources: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    case: Mapped["Case"] = relationship()  # noqa: F821
    clinician: Mapped["Clinician"] = relationship()  # noqa: F821
    visit: Mapped["Visit | None"] = relationship()  # noqa: F821

    def said(self, topic):
        return (self.topics or {}).get(topic, "")


class ComparisonRow(db.Model):
    """The family's reading of one topic across the case's opinions."""

    __table_args__ = (UniqueConstraint("case_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    topic: Mapped[str] = mapped_column(String(40))
    verdict: Mapped[str] = mapped_column(String(20))  # agree, differ or not-covered
    why: Mapped[str] = mapped_column(String(20), default="")  # a key, for rows that differ
    note: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text, default="")  # to take back to a doctor
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class ValueView(db.Model):
    """One parent's view on one of the family's values (daily life, risk, goals...)."""

    __table_args__ = (UniqueConstraint("case_id", "topic", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    topic: Mapped[str] = mapped_column(String(40))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class Decision(db.Model):
    """What the family chose, and when; reopening keeps it, as history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    option: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    took_part: Mapped[str] = mapped_column(Text, default="")
    revisit_when: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    reopened_at = mapped_column(UTCDateTime, nullable=True)
    reopen_reason: Mapped[str] = mapped_column(Text, default="")

    case: Mapped["Case"] = relationship()  # noqa: F821
    letters: Mapped[list["Letter"]] = relationship(back_populates="decision",
                                                   order_by="Letter.id")


class Letter(db.Model):
    """A letter drafted from the case and a decision, as the family last edited it."""

    __table_args__ = (UniqueConstraint("decision_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    edits: Mapped[int] = mapped_column(Integer, default=0)  # 0: still our draft
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    decision: Mapped[Decision] = relationship(back_populates="letters")

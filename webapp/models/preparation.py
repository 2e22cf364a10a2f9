"""What a family does before a visit: each person's view of the case, the checklist
ticked for each visit."""

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import UTCDateTime, utcnow


class VisitCheck(db.Model):
    """One ticked item of a visit's before-the-visit checklist (unticked: no row)."""

    __table_args__ = (UniqueConstraint("visit_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    done_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class CaseView(db.Model):
    """One person's own view of the case: what worries them most, what would help them decide."""

    __table_args__ = (UniqueConstraint("case_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    worries: Mapped[str] = mapped_column(Text, default="")
    would_help: Mapped[str] = mapped_column(Text, default="")
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    member: Mapped["Member"] = relationship()  # noqa: F821


class CaseWording(db.Model):
    """The family's own wording of a script or a letter for a case, once they changed the draft.

    (Not the letters after the visit, webapp/models/after_visit.py: those follow a decision.)"""

    __table_args__ = (UniqueConstraint("case_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class Candidate(db.Model):
    """A specialist the family might see for a second opinion on a case."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    centre: Mapped[str] = mapped_column(String(200), default="")
    specialty: Mapped[str] = mapped_column(String(120), default="")
    board_certified: Mapped[str] = mapped_column(String(10), default="unknown")  # yes, no, unknown
    in_network: Mapped[str] = mapped_column(String(10), default="unknown")
    # Works with the current doctor, or in the same department or group: then the view
    # is less independent, which is the point of a second opinion.
    same_team: Mapped[str] = mapped_column(String(10), default="unknown")
    experience: Mapped[str] = mapped_column(Text, default="")  # with this condition
    found_via: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Set once chosen: the clinician the family books a visit with.
    clinician_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class RecordItem(db.Model):
    """One record a case's second opinion needs, where it is now and who holds it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    key: Mapped[str | None] = mapped_column(String(40), nullable=True)  # from records.toml
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), default="needed")
    holder: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    changes: Mapped[list["RecordChange"]] = relationship(order_by="RecordChange.id")
    attachments: Mapped[list["Attachment"]] = relationship(order_by="Attachment.id")


class RecordChange(db.Model):
    """A record's move to a state, and when: the dates the checklist shows."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("record_item.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Attachment(db.Model):
    """A photo or file of a record. The bytes live on disk under instance/, named by their
    SHA-256 (the same file twice is stored once); the database keeps only this row."""

    __table_args__ = (UniqueConstraint("item_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("record_item.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200), default="")
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

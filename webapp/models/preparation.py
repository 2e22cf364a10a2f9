"""What a family does before a visit: the checklist ticked for each visit."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

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

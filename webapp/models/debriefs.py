"""What each person took away from a visit, written right after it.

Every save is a row of its own, keyed by an id the phone makes, so two
phones' saves never overwrite each other: a person's debrief is their latest
save (by clock), and the earlier ones stay in its history.
"""

import uuid

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import UTCDateTime, utcnow

# The debrief's parts, in the order they are asked.
DEBRIEF_FIELDS = ("takeaways", "open_questions", "words", "heard")


class DebriefEntry(db.Model):
    __table_args__ = (Index("ix_debrief_entry_visit_author", "visit_id", "author_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), nullable=True)
    takeaways: Mapped[str] = mapped_column(Text, default="")
    open_questions: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[str] = mapped_column(Text, default="")
    heard: Mapped[str] = mapped_column(Text, default="")
    # The phone's hybrid logical clock reading: the latest save is the debrief.
    hlc: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    author: Mapped["Member"] = relationship()  # noqa: F821

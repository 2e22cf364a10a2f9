"""What sync needs to keep: devices and their ledgers, rejections, the change log.

See docs/sync-protocol.md for the rules these tables carry.
"""

import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import UTCDateTime, utcnow


class Device(db.Model):
    """A phone (or browser) allowed to sync, with the ledger of what it pushed."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_applied_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_seen_at = mapped_column(UTCDateTime, nullable=True)  # for the device list; not yet kept
    revoked_at = mapped_column(UTCDateTime, nullable=True)
    # What the phone said, at its last pull, it had not yet sent (None: never said).
    unsent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The browser sign-in that registered it: signing out there revokes it too.
    login_id: Mapped[int | None] = mapped_column(ForeignKey("login.id"), nullable=True)

    member: Mapped["Member"] = relationship()  # noqa: F821
    login: Mapped["Login | None"] = relationship()  # noqa: F821


class Rejection(db.Model):
    """A mutation the server could never apply: kept, reported, and skipped past."""

    __table_args__ = (UniqueConstraint("device_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    errors: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Change(db.Model):
    """One write a phone may need to learn of, numbered by its household's version."""

    __table_args__ = (UniqueConstraint("household_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(64))
    # The row's state after the write: deleted (outright, or a tombstone) or not.
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # The case the row belongs to, so a companion's phone hears only of its own
    # case's changes, deletions included (empty for changes logged before this was).
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AskedEvent(db.Model):
    """Each "asked" or "not asked" a question received, ordered by hybrid logical clock.

    The flag on the question is the latest of these; the history is kept.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    question_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visit_question.id"), index=True)
    asked: Mapped[bool] = mapped_column(Boolean)
    hlc: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("device.id"), nullable=True)
    # Who ticked it (empty for ticks kept before authors were).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Ticked while recording: which recording, and how far into it (ms).
    recording_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    recording_offset_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)

    author: Mapped["Member"] = relationship()  # noqa: F821

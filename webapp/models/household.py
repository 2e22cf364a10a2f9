"""The household that owns everything, and the people in it."""

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models._types import UTCDateTime, utcnow


class Household(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The family's postal address, if they give one: under the sender's name on letters.
    address: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Bumped by every write phones sync; pull cursors count in it (sync-protocol.md).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    members: Mapped[list["Member"]] = relationship(back_populates="household")


class Member(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default="owner")
    passphrase_hash: Mapped[str] = mapped_column(String(255))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # A companion sees and writes this one case only (webapp/services/access.py).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), nullable=True)
    # A removed companion signs in nowhere; what they wrote stays, under their name.
    removed_at = mapped_column(UTCDateTime, nullable=True)

    household: Mapped[Household] = relationship(back_populates="members")


class Setup(db.Model):
    """The first-run set-up, done once: its one row has id 1, so a second set-up
    running at the same moment hits the primary key instead of making a household."""

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Login(db.Model):
    """A signed-in browser. Its cookie carries a random key whose hash names this row,
    so signing out (or removing the member) ends it here, whatever copies of the cookie exist."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    ended_at = mapped_column(UTCDateTime, nullable=True)
    # Ended by "Remove" on the home computer: its phone is told so, not "signed out".
    removed_at = mapped_column(UTCDateTime, nullable=True)
    # Set for a phone paired with a code: the name its device gets ("Dad's phone").
    device_name: Mapped[str | None] = mapped_column(String(120), nullable=True)

    member: Mapped[Member] = relationship()

    # The one test of "this browser is a paired phone": only a phone keeps an outbox,
    # a replica and a sync bar; a browser signed in by passphrase (the home computer)
    # writes straight to the server. In Python and in SQL alike.
    @hybrid_property
    def is_phone(self):
        return self.device_name is not None

    @is_phone.inplace.expression
    @classmethod
    def _is_phone_in_sql(cls):
        return cls.device_name.is_not(None)


class SignInFailure(db.Model):
    """A failed sign-in, counted per address and per name to slow down guessing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Pairing(db.Model):
    """A one-time way for a phone to join: a link (for the QR code) and a short code,
    both kept hashed, good once and for a few minutes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    link_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)

    member: Mapped[Member] = relationship()

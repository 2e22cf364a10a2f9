"""Devices: phones allowed to sync, each with a long random token stored hashed."""

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from webapp.errors import Unauthorized
from webapp.extensions import db
from webapp.models import Device, Login
from webapp.models._types import utcnow
from webapp.services.records import digest, uuid7


def register_device(member, name, login=None):
    """Register a device for `member`; return it and its token (shown this once only).

    A device registered by a browser's sign-in (`login`) stops working when it ends.
    """
    token = secrets.token_urlsafe(32)
    device = Device(id=uuid7(), household_id=member.household_id, member_id=member.id,
                    name=name or "Phone", token_hash=digest(token),
                    login_id=login and login.id)
    db.session.add(device)
    db.session.flush()
    return device, token


def device_for_token(token):
    """Return the live device holding `token`.

    Raises:
        Unauthorized: for a missing, unknown or revoked token, or one whose sign-in ended.
    """
    # A device lives no longer than the sign-in that registered it, even one
    # registered in the moment that sign-in was ended.
    device = db.session.scalar(
        select(Device).outerjoin(Login, Login.id == Device.login_id)
        .where(Device.token_hash == digest(token or ""), Device.revoked_at.is_(None),
               Login.ended_at.is_(None)))
    if device is None or device.member.removed_at is not None:
        raise Unauthorized()
    return device


SEEN_EVERY = timedelta(minutes=1)


def mark_seen(device):
    """Note when the device last synced, for the Devices screen.

    At most once a minute: a pull is otherwise a read, and on SQLite a write
    would take the database's one write lock for it.
    """
    now = utcnow()
    if device.last_seen_at is None or now - device.last_seen_at >= SEEN_EVERY:
        db.session.execute(update(Device).where(Device.id == device.id).values(last_seen_at=now))
        db.session.commit()


def revoke_device(device):
    """Stop a device from syncing; what it already pushed stays."""
    device.revoked_at = device.revoked_at or utcnow()
    db.session.flush()

"""Devices: phones allowed to sync, each with a long random token stored hashed."""

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from webapp.errors import PhoneRemoved, Unauthorized
from webapp.extensions import db
from webapp.models import Device
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
        PhoneRemoved: for the token of a phone removed at home (or of a person removed).
        Unauthorized: for a missing or unknown token, or one whose sign-in ended.
    """
    device = db.session.scalar(select(Device).where(Device.token_hash == digest(token or "")))
    if device is None:
        raise Unauthorized()
    if removed(device):
        raise PhoneRemoved()
    # A device lives no longer than the sign-in that registered it, even one
    # registered in the moment that sign-in was ended.
    if device.revoked_at is not None or (device.login and device.login.ended_at is not None):
        raise Unauthorized()
    return device


def removed(device):
    """Tell whether the family removed `device`'s phone, or its person, at home.

    A device of no sign-in is revoked only by "Remove".
    """
    login = device.login
    return (device.member.removed_at is not None
            or (login.removed_at is not None if login else device.revoked_at is not None))


SEEN_EVERY = timedelta(minutes=1)


def mark_seen(device, unsent=None):
    """Note when the device last synced, and what it said it had not yet sent
    (`unsent`, when it said), for the Phones screen.

    At most once a minute unless the count changed: a pull is otherwise a read,
    and on SQLite a write would take the database's one write lock for it.
    """
    now = utcnow()
    values = {} if unsent is None or unsent == device.unsent else {"unsent": unsent}
    if values or device.last_seen_at is None or now - device.last_seen_at >= SEEN_EVERY:
        db.session.execute(update(Device).where(Device.id == device.id)
                           .values(last_seen_at=now, **values))
        db.session.commit()


def revoke_device(device):
    """Stop a device from syncing; what it already pushed stays."""
    device.revoked_at = device.revoked_at or utcnow()
    db.session.flush()

"""Pairing a phone from the home computer, and the household's list of devices.

A pairing is a link (for the QR code) and a short code to type, both good once
and for ten minutes, kept only hashed. Redeeming one starts a sign-in on the
phone for the person it was made for, named after the phone; the phone's page
then registers its device under that sign-in (POST /devices). The phone is that
sign-in: removing it ends the sign-in and every device token it registered.
"""

import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, or_, select, union_all, update

from webapp.errors import NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import (
    Answer,
    AskedEvent,
    ConsentEvent,
    Device,
    Login,
    Member,
    Note,
    Pairing,
)
from webapp.models._types import utcnow
from webapp.services import accounts, devices
from webapp.services.records import digest

LIFETIME = timedelta(minutes=10)
# An invitation travels by message and may be opened the next day.
INVITE_LIFETIME = timedelta(days=2)
# No 0/O or 1/I: a code read aloud or off a screen is typed right first time.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
NOT_VALID = "That code is not valid. It may have expired or been used: make a new one."



def normalise_code(typed):
    """Read a typed code the forgiving way: any case, spaces and dashes ignored."""
    return "".join(char for char in typed.upper() if char.isalnum())


def start_pairing(member, lifetime=LIFETIME):
    """Make a pairing for `member`'s phone; return it with its link token and code.

    The two secrets are returned this once and kept only hashed.
    """
    token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    pairing = Pairing(household_id=member.household_id, member_id=member.id,
                      link_hash=digest(token), code_hash=digest(code),
                      expires_at=utcnow() + lifetime)
    db.session.add(pairing)
    db.session.flush()
    return pairing, token, f"{code[:4]}-{code[4:]}"


def pairing_for_link(token):
    """Return the pairing behind a link while it can still be used, else None."""
    return db.session.scalar(select(Pairing).where(
        Pairing.link_hash == digest(token), Pairing.used_at.is_(None),
        Pairing.expires_at > utcnow()))


def redeem(token=None, code=None):
    """Use a pairing once, by its link token or its code; return the member it is for.

    The UPDATE that marks it used is the check, so two phones racing with one
    code cannot both get in.

    Raises:
        ValidationFailed: an unknown, used or expired link or code.
    """
    digest_of = Pairing.link_hash if token is not None else Pairing.code_hash
    secret = token if token is not None else normalise_code(code or "")
    now = utcnow()
    member_id = db.session.execute(
        update(Pairing)
        .where(digest_of == digest(secret), Pairing.used_at.is_(None), Pairing.expires_at > now)
        .values(used_at=now)
        .returning(Pairing.member_id)
    ).scalar()
    if member_id is None:
        raise ValidationFailed({"code": [NOT_VALID]})
    return db.session.get(Member, member_id)


class Phone(NamedTuple):
    """A phone on the Phones screen: one sign-in, however many times its page registered."""

    device: Device  # its newest registration: its name, person and address for "Remove"
    last_seen_at: datetime | None
    items: int  # what all its registrations sent
    removed_at: datetime | None


def list_phones(household_id):
    """Return the household's phones, the ones still syncing first, newest first.

    A phone is a sign-in by pairing: two tabs, or a registration again, gave it several
    device tokens but it is one phone (a device from no sign-in is one alone). A browser
    signed in by passphrase (the home computer) is no phone, even one an older version
    registered.
    """
    sent = union_all(*(select(model.device_id) for model in (Note, Answer, ConsentEvent,
                                                             AskedEvent))).subquery()
    counts = (select(sent.c.device_id, func.count().label("received"))
              .group_by(sent.c.device_id).subquery())
    rows = db.session.execute(
        select(Device, Login.ended_at, func.coalesce(counts.c.received, 0))
        .outerjoin(counts, counts.c.device_id == Device.id)
        .outerjoin(Login, Login.id == Device.login_id)
        .where(Device.household_id == household_id,
               or_(Device.login_id.is_(None), Login.is_phone))
        .order_by(Device.created_at.desc())
    ).all()
    phones = {}
    for device, ended_at, items in rows:  # newest first: a phone's first row names it
        key = device.login_id or device.id
        phone = phones.get(key) or Phone(device, None, 0, ended_at or device.revoked_at)
        seen = max(filter(None, (phone.last_seen_at, device.last_seen_at)), default=None)
        phones[key] = phone._replace(last_seen_at=seen, items=phone.items + items)
    return sorted(phones.values(), key=lambda phone: phone.removed_at is not None)


def phones_of(member):
    """Return `member`'s phones still syncing, newest first."""
    return [phone for phone in list_phones(member.household_id)
            if phone.device.member_id == member.id and phone.removed_at is None]


def get_phone(household_id, device_id):
    """Return the household's phone still syncing whose newest registration is `device_id`.

    Raises NotFound otherwise (another household's, an older registration, or removed).
    """
    for phone in list_phones(household_id):
        if phone.device.id == device_id and phone.removed_at is None:
            return phone
    raise NotFound()


def get_device(household_id, device_id):
    """Return the household's device. Raises NotFound otherwise."""
    device = db.session.get(Device, device_id)
    if device is None or device.household_id != household_id:
        raise NotFound()
    return device


def revoke(device):
    """Remove the phone `device` is of: end its sign-in, which stops every device token
    that sign-in registered (a device from no sign-in stops alone).

    What they sent stays; their unsynced items stay on the phone until it pairs again.
    The sign-in is marked removed, so that the phone is told so (and not "signed out").
    """
    if device.login is not None:
        device.login.removed_at = device.login.removed_at or utcnow()
        accounts.end_login(device.login)
    else:
        devices.revoke_device(device)

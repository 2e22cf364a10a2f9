"""Slowing down passphrase guessing: failed sign-ins counted per address and per name.

Kept in the database, not in the server's memory, so every worker process of a
hosted set-up counts the same failures and a restart forgets none of them.
"""

import math
from datetime import timedelta

from sqlalchemy import delete, or_, select

from webapp.extensions import db
from webapp.models import SignInFailure
from webapp.models._types import utcnow

WINDOW = timedelta(minutes=15)
# A household has few names, so per name the limit is low; an address may be
# a whole home network behind one router, so it gets more.
PER_NAME = 5
PER_ADDRESS = 20


def wait_before_next_try(address, name=None):
    """Return how long this address, or name, must wait before trying again, or None.

    Without a name (pairing codes, which name no one) only the address counts.
    """
    now = utcnow()
    waits = [_wait(SignInFailure.address == address, PER_ADDRESS, now)]
    if name is not None:
        waits.append(_wait(SignInFailure.name == name_key(name), PER_NAME, now))
    waits = [wait for wait in waits if wait is not None]
    return max(waits) if waits else None


def _wait(matches, limit, now):
    recent = (select(SignInFailure.at).where(matches, SignInFailure.at > now - WINDOW)
              .order_by(SignInFailure.at.desc()).limit(limit))
    times = db.session.scalars(recent).all()
    if len(times) < limit:
        return None
    return times[-1] + WINDOW - now  # when the oldest of the last `limit` falls out


def record_failure(address, name=""):
    """Count a failed try, and forget the ones too old to matter."""
    now = utcnow()
    db.session.execute(delete(SignInFailure).where(SignInFailure.at <= now - WINDOW))
    db.session.add(SignInFailure(address=address[:64], name=name_key(name), at=now))
    db.session.flush()


def forget(address, name):
    """Clear the failures of a name, and of the address, after a sign-in that worked."""
    db.session.execute(delete(SignInFailure).where(
        or_(SignInFailure.name == name_key(name), SignInFailure.address == address)))
    db.session.flush()


def name_key(name):
    """A name as counted: the same however it is spaced or capitalised."""
    return name.strip().lower()[:120]


def in_minutes(wait):
    """Say a wait in whole minutes, at least one."""
    return max(1, math.ceil(wait.total_seconds() / 60))

"""The change log phones pull from, and hybrid logical clocks for flags.

Every write a phone may need to learn of bumps its household's version and
logs (entity, id) at that version. The bump is an UPDATE of the household's
row, so on PostgreSQL concurrent writers of one household queue behind each
other and versions become visible in order: a pull never skips one.
"""

import re
import time
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, update

from webapp.extensions import db
from webapp.models import Change, Household

HLC_PATTERN = r"^\d{13}-\d{4}-[A-Za-z0-9]{1,36}$"


# Built once, as Core statements run on the session's connection: they run for
# every write a phone syncs, nothing reads the rows back as objects, and neither
# depends on a change still pending in the session, so the ORM's work is skipped.
_HOUSEHOLD = Household.__table__
_NEXT_VERSION = (
    update(_HOUSEHOLD)
    .where(_HOUSEHOLD.c.id == bindparam("household_id"))
    .values(version=_HOUSEHOLD.c.version + 1)
    .returning(_HOUSEHOLD.c.version)
)
_LOG_CHANGE = insert(Change.__table__)


def bump(household_id, entity, entity_id, deleted=False):
    """Log a write of `entity` `entity_id` at the household's next version."""
    connection = db.session.connection()
    version = connection.execute(_NEXT_VERSION, {"household_id": household_id}).scalar_one()
    connection.execute(_LOG_CHANGE, {"household_id": household_id, "version": version,
                                     "entity": entity, "entity_id": str(entity_id),
                                     "deleted": deleted})
    return version


def current_version(household_id):
    """Return the household's latest version (a pull cursor)."""
    return db.session.get(Household, household_id, populate_existing=True).version


def next_hlc(previous=None, node="server"):
    """Return a hybrid logical clock reading later than `previous` and than now.

    Readings are "<13-digit ms>-<4-digit counter>-<node>" strings, so ordering
    them as strings orders them in time, with the node breaking ties.
    """
    wall = time.time_ns() // 1_000_000
    counter = 0
    if previous:
        before_ms, before_counter = (int(part) for part in previous.split("-")[:2])
        if before_ms >= wall:
            wall, counter = before_ms, before_counter + 1
    return f"{wall:013d}-{counter:04d}-{node}"


def hlc_millis(reading):
    """Return the wall-clock part of an HLC reading, in ms since the epoch."""
    return int(reading.split("-")[0]) if re.match(HLC_PATTERN, reading) else 0


def hlc_time(reading):
    """Return the wall-clock part of an HLC reading as a UTC datetime."""
    return datetime.fromtimestamp(hlc_millis(reading) / 1000, UTC)

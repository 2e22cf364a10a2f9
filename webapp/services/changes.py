"""The change log phones pull from.

Every write a phone may need to learn of bumps its household's version and
logs (entity, id) at that version, with the row's state after the write
(deleted or not) and the case it belongs to. The bump is an UPDATE of the
household's row, so on PostgreSQL concurrent writers of one household queue
behind each other and versions become visible in order: a pull never skips one.
"""

from sqlalchemy import bindparam, insert, inspect, update

from webapp.extensions import db
from webapp.models import Change, Household

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


def bump(visit, entity, row):
    """Log a write of `row` of the visit, of the kind `entity` (webapp.wire), at the next version.

    Whether it is deleted is read from the row itself (a tombstone, or a row
    deleted outright and flushed), never told by the caller: a write kept
    aside (a late edit of a deleted note) leaves a tombstone a tombstone.
    """
    connection = db.session.connection()
    version = connection.execute(_NEXT_VERSION, {"household_id": visit.household_id}).scalar_one()
    connection.execute(_LOG_CHANGE, {"household_id": visit.household_id, "version": version,
                                     "entity": entity.name, "entity_id": str(row.id),
                                     "deleted": _removed(row) or entity.is_gone(row),
                                     "case_id": visit.case_id})
    return version


def _removed(row):
    """Whether an ORM row was deleted outright (a row the insert returned never is)."""
    state = inspect(row, raiseerr=False)
    return state is not None and state.was_deleted


def current_version(household_id):
    """Return the household's latest version (a pull cursor)."""
    return db.session.get(Household, household_id, populate_existing=True).version

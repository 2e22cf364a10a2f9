"""The change log phones pull from.

Every write a phone may need to learn of bumps its household's version and
logs (entity, id) at that version. The bump is an UPDATE of the household's
row, so on PostgreSQL concurrent writers of one household queue behind each
other and versions become visible in order: a pull never skips one.
"""

from sqlalchemy import bindparam, insert, update

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


def bump(household_id, entity, entity_id, deleted=False):
    """Log a write of row `entity_id`, of the kind `entity` (webapp.wire), at the next version."""
    connection = db.session.connection()
    version = connection.execute(_NEXT_VERSION, {"household_id": household_id}).scalar_one()
    connection.execute(_LOG_CHANGE, {"household_id": household_id, "version": version,
                                     "entity": entity.name, "entity_id": str(entity_id),
                                     "deleted": deleted})
    return version


def current_version(household_id):
    """Return the household's latest version (a pull cursor)."""
    return db.session.get(Household, household_id, populate_existing=True).version

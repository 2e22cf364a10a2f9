"""Nightly backups: while Ask Twice runs (`ask-twice`, the service), one archive a day
with every row, every attached file and recording, and a manifest (services/archive.py),
the last 14 kept, in the folder the family chose (ASK_TWICE_BACKUPS; by default
"Ask Twice backups" in the user's documents). `ask-twice restore FILE` reads one."""

from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Household
from webapp.models._types import utcnow
from webapp.services import archive

KEEP = 14
EVERY = timedelta(hours=20)  # once a day, whenever the computer is awake for it
PREFIX = "ask-twice-backup-"


def folder():
    return Path(current_app.config["BACKUPS_DIR"])


def made():
    """Return the nightly backups kept, oldest first (their names carry the time)."""
    return sorted(path for path in folder().glob(f"{PREFIX}*.zip") if _made_at(path))


def _made_at(path):
    try:
        stamp = datetime.strptime(path.stem.removeprefix(PREFIX), "%Y%m%d-%H%M%S")
    except ValueError:
        return None  # not one of ours
    return stamp.replace(tzinfo=utcnow().tzinfo)


def due(now=None):
    """Tell whether a day has passed since the last nightly backup (or there is none)."""
    kept = made()
    return not kept or (now or utcnow()) - _made_at(kept[-1]) >= EVERY


def make():
    """Write tonight's backup, then delete all but the last KEEP. Return its path."""
    target = folder() / f"{PREFIX}{archive.stamp()}.zip"
    archive.export_archive(target, kind=archive.BACKUP)
    for old in made()[:-KEEP]:
        old.unlink()
    return target


def make_if_due():
    """Make a backup when one is due and there is a family's data to keep; return its
    path, or None."""
    if db.session.scalar(select(Household.id).limit(1)) is None:
        return None  # before the first run's set-up: nothing to keep
    return make() if due() else None

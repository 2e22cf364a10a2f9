"""Nightly backups: while Ask Twice runs (`ask-twice`, the service), one archive a day
with every row, every attached file and recording, and a manifest (services/archive.py),
the last 14 kept, in the folder the family chose (ASK_TWICE_BACKUPS; by default
"Ask Twice backups" in the user's documents). `ask-twice restore FILE` reads one."""

import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from webapp import settings
from webapp.errors import ValidationFailed
from webapp.extensions import db
from webapp.models import Household
from webapp.models._types import utcnow
from webapp.services import archive

KEEP = 14
EVERY = timedelta(hours=20)  # once a day, whenever the computer is awake for it
PREFIX = "ask-twice-backup-"


SETTING = "ASK_TWICE_BACKUPS"


def folder():
    return Path(current_app.config["BACKUPS_DIR"])


def choose_folder(chosen):
    """Send the backups to the folder `chosen` from now on, kept in the settings file;
    make it when missing.

    Raises:
        ValidationFailed: the environment names the folder, or `chosen` is not a whole
            path, is a file, or cannot be made or written in. Nothing has changed then.
    """
    if SETTING in os.environ:
        _refuse(f"This computer's environment names the backups folder ({SETTING}), so it "
                "is changed there, not here.")
    path = Path(chosen).expanduser()
    if not path.is_absolute():
        _refuse(f"Give the whole path of the folder, from the top: for example {folder()}.")
    if path.exists() and not path.is_dir():
        _refuse(f"{path} is a file, not a folder.")
    missing = [above for above in (path, *path.parents) if not above.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()  # a backup can be written there
    except OSError as error:
        for made in missing:  # the folders made here, deepest first, and nothing else
            if made.is_dir():
                made.rmdir()
        _refuse(f"Ask Twice cannot make this folder or write in it ({error.strerror}). "
                "Choose another one.")
    settings.write(current_app.instance_path, {SETTING: str(path)})
    current_app.config["BACKUPS_DIR"] = str(path)  # tonight's backup goes there already
    return path


def _refuse(message):
    raise ValidationFailed({"folder": [message]}, message=message)


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

"""Bring the database up to date when Ask Twice starts, keeping a backup first: an
upgrade (`pipx upgrade ask-twice`) that goes wrong never costs the family's data."""

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import inspect

from webapp.extensions import db
from webapp.services import archive


def versions():
    """Return (the database's migration heads, this version's), as sets."""
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, heads


def backups_folder():
    return Path(current_app.instance_path) / "backups"


def bring_up_to_date():
    """Migrate to this version; first back up a database that holds an older one. Return
    the backup's path, or None when none was needed."""
    current, heads = versions()
    if current == heads:
        return None
    kept = None
    if current:  # a fresh install has nothing to keep
        kept = backups_folder() / f"ask-twice-{archive.stamp()}-before-upgrade"
        if db.engine.dialect.name == "sqlite":
            kept = archive.backup_database(kept.with_suffix(".sqlite"))
        else:  # PostgreSQL: its tables as they are now (the models are the next version's)
            kept = kept.with_suffix(".zip")
            archive.export_archive(kept, kind=archive.BACKUP, as_stored=True)
    upgrade()
    return kept


def make_tables_if_fresh():
    """Make the tables of a database that has none yet (a new computer's first command)."""
    if not inspect(db.engine).get_table_names():
        upgrade()

"""Starting Ask Twice after an upgrade migrates the database, and first keeps a backup of
it as it was; a fresh or up-to-date database is left as it is."""

import json
import sqlite3
import zipfile

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, stamp
from flask_migrate import upgrade as migrate
from sqlalchemy import inspect, text

from webapp.extensions import db
from webapp.services import archive, upgrade


@pytest.fixture
def started(app, tmp_path, monkeypatch):
    """The app with its own data folder; the migrations it runs are recorded, not run,
    with the backups there at that moment."""
    app.instance_path = str(tmp_path / "data")
    ran = []
    monkeypatch.setattr(upgrade, "upgrade", lambda: ran.append(
        sorted(upgrade.backups_folder().glob("*")) if upgrade.backups_folder().exists() else []))
    yield ran
    with db.engine.begin() as connection:  # PostgreSQL's shared database: leave no trace
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _previous_revision(app):
    scripts = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return scripts.get_revision(scripts.get_current_head()).down_revision


def test_an_older_database_is_backed_up_before_it_is_migrated(app, started):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the backup before an upgrade is SQLite's file; PostgreSQL has pg_dump")
    previous = _previous_revision(app)
    stamp(revision=previous)
    kept = upgrade.bring_up_to_date()
    assert started == [[kept]]  # there before the migrations ran
    assert kept.name.startswith("ask-twice-") and kept.name.endswith("-before-upgrade.sqlite")
    with sqlite3.connect(kept) as backup:  # the database as it was
        assert backup.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (previous,)]
    backup.close()


def test_an_older_postgresql_database_is_backed_up_as_it_is_before_it_is_migrated(
        app, started, owner, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's backup before an upgrade is the file (the test above)")
    previous = _previous_revision(app)
    stamp()
    db.session.commit()
    downgrade(revision=previous)  # the database as the version before this one left it
    record = upgrade.upgrade  # the fixture's: the backups there, then the real migrations
    monkeypatch.setattr(upgrade, "upgrade", lambda: (record(), migrate()))
    kept = upgrade.bring_up_to_date()
    assert started == [[kept]]  # there before the migrations ran
    assert kept.name.startswith("ask-twice-") and kept.name.endswith("-before-upgrade.zip")
    with zipfile.ZipFile(kept) as backup:
        manifest = json.loads(backup.read(archive.MANIFEST))
        households = json.loads(backup.read("data/household.json"))
    assert manifest["schema"] == previous and manifest["kind"] == archive.BACKUP
    assert "alembic_version" not in manifest["tables"]
    assert [row["name"] for row in households] == [owner.household.name]
    assert "address" not in households[0]  # the column this version's migration adds
    assert "address" in {column["name"] for column in inspect(db.engine).get_columns(
        "household")}  # and then it ran


def test_a_fresh_database_is_migrated_with_no_backup(app, started):
    assert upgrade.bring_up_to_date() is None
    assert started == [[]]


def test_an_up_to_date_database_is_left_alone(app, started):
    stamp()
    assert upgrade.bring_up_to_date() is None
    assert started == []

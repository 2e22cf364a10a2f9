"""Nightly backups while Ask Twice runs: one archive a day with every row and file and a
manifest, in the chosen folder, the last 14 kept; a failure never stops the server."""

import json
import logging
import zipfile
from datetime import timedelta

import pytest

from webapp import commands
from webapp.extensions import db
from webapp.models._types import utcnow
from webapp.services import archive, backups


@pytest.fixture
def nightly(app, tmp_path):
    app.config["BACKUPS_DIR"] = str(tmp_path / "backups")
    return tmp_path / "backups"


def _made(folder, ago):
    """An earlier nightly backup, named for the time `ago` before now."""
    folder.mkdir(exist_ok=True)
    path = folder / f"{backups.PREFIX}{(utcnow() - ago).strftime('%Y%m%d-%H%M%S')}.zip"
    path.write_bytes(b"an earlier backup")
    return path


def test_a_backup_is_one_archive_with_a_manifest_that_keeps_sign_ins(nightly, owner):
    made = backups.make()
    assert made.parent == nightly and made.name.startswith("ask-twice-backup-")
    with zipfile.ZipFile(made) as kept:
        manifest = json.loads(kept.read(archive.MANIFEST))
        owners = json.loads(kept.read("data/member.json"))
    assert manifest["kind"] == archive.BACKUP
    assert [row["name"] for row in owners] == ["Sam"]


def test_one_is_due_a_day_after_the_last_and_not_before(nightly):
    assert backups.due()  # none yet
    recent = _made(nightly, timedelta(hours=1))
    assert not backups.due()
    recent.unlink()
    _made(nightly, timedelta(hours=21))
    assert backups.due()


def test_the_last_14_are_kept(nightly, owner):
    earlier = [_made(nightly, timedelta(days=days)) for days in range(1, 16)]
    (nightly / "family-notes.zip").write_bytes(b"not ours")  # left alone
    made = backups.make()
    kept = backups.made()
    assert len(kept) == backups.KEEP and kept[-1] == made
    assert not earlier[-1].exists() and not earlier[-2].exists()  # the two oldest went
    assert (nightly / "family-notes.zip").exists()


class OneLook:
    """A stop event that lets the nightly loop look once."""

    def __init__(self):
        self.looks = 0

    def is_set(self):
        self.looks += 1
        return self.looks > 1

    def wait(self, _seconds):
        pass


def test_the_server_makes_the_backup_when_it_is_due(app, nightly, owner):
    db.session.commit()
    commands.back_up_nightly(app, OneLook())
    assert len(backups.made()) == 1


def test_a_failed_backup_is_logged_and_the_server_goes_on(app, nightly, monkeypatch, caplog):
    def full_disk():
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "make_if_due", full_disk)
    with caplog.at_level(logging.ERROR):
        commands.back_up_nightly(app, OneLook())
    assert "The nightly backup failed; it is tried again later." in caplog.text


def test_before_the_first_run_there_is_nothing_to_back_up(app, nightly):
    commands.back_up_nightly(app, OneLook())
    assert backups.made() == []

"""The restore drill, as a family runs it with the installed command: `ask-twice backup` on
the old computer, `ask-twice restore FILE` on a fresh data folder, and the same family
comes back: every row, every note, every recording's bytes."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.days import in_days, years_ago
from tests.domain.test_archive import snapshot
from webapp import create_app
from webapp.extensions import db
from webapp.services import accounts, capture, cases, recordings, visits

ROOT = Path(__file__).resolve().parents[2]
COMMAND = Path(sys.executable).parent / "ask-twice"  # installed in the venv by `pip install -e`
SOUND = b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 4  # a WebM start, then bytes of every value


def ask_twice(*args, data, backups, answer=None):
    """Run the installed command on the data folder `data`, as a family would."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ASK_TWICE_", "FLASK_"))
           and key not in ("DATABASE_URL", "HOST", "PORT")}
    # This checkout's code, not the one the venv's entry point was installed from.
    env.update(PYTHONPATH=str(ROOT), ASK_TWICE_BACKUPS=str(backups), ASK_TWICE_NO_BROWSER="1")
    return subprocess.run([COMMAND, "--data", str(data), *args], input=answer, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def install(monkeypatch):
    """Open the app of the install whose data folder is `data`, as `ask-twice` would."""
    for name in ("DATABASE_URL", "ASK_TWICE_ATTACHMENTS_DIR", "ASK_TWICE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)

    def opened(data):
        monkeypatch.setenv("ASK_TWICE_DATA", str(data))
        return create_app()
    return opened


def a_family():
    """The first run's household, a visit with a note and a recording of it."""
    owner = accounts.create_household("Sam", "a long passphrase", "a long passphrase")
    child = cases.add_child(owner.household_id, name="Ada", birth_date=years_ago(10))
    case = cases.add_case(child, condition="Asthma", diagnosis="Asthma", safe_to_wait="yes")
    clinician = cases.add_clinician(owner.household_id, name="Dr Okafor")
    visit = visits.add_visit(case, clinician.id, in_days(7))
    capture.add_note(visit, owner, "Ask about the inhaler ✓")
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    recording = recordings.start_recording(visit, owner, "audio/webm")
    recordings.add_chunk(recording, 0, hashlib.sha256(SOUND).hexdigest(), SOUND)
    db.session.commit()


def test_backup_then_restore_on_a_fresh_data_folder_brings_the_family_back(install, tmp_path):
    old, new, kept = tmp_path / "old computer", tmp_path / "new computer", tmp_path / "usb"
    made = ask_twice("db", "upgrade", data=old, backups=kept)  # as `ask-twice` starts
    assert made.returncode == 0, made.stderr
    with install(old).app_context():
        a_family()
        before = snapshot()
        db.engine.dispose()
    assert SOUND in before[1].values()

    backup = ask_twice("backup", data=old, backups=kept)
    assert backup.returncode == 0, backup.stderr
    [archive] = kept.glob("*.zip")
    assert f"Backed up everything to {archive}." in backup.stdout

    # The new computer has a key of its own: the family is asked, and says yes.
    restored = ask_twice("restore", str(archive), data=new, backups=kept, answer="y\n")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Restore it?" in restored.stderr
    assert "Restored" in restored.stdout
    with install(new).app_context():
        assert snapshot() == before
        db.engine.dispose()

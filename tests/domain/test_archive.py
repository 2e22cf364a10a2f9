"""Export, wipe, restore: every row and file comes back; a bad archive changes nothing."""

import json
import sqlite3
import zipfile

import pytest
from sqlalchemy import func, select

from tests.days import in_days
from webapp.extensions import db
from webapp.models import Household
from webapp.services import archive, capture, decisions, opinions, restore


@pytest.fixture
def files(app, tmp_path):
    """An attached files folder of the test's own, with a nested file and a binary one."""
    folder = tmp_path / "files"
    app.config["FILES_FOLDER"] = str(folder)
    (folder / "records" / "2026").mkdir(parents=True)
    (folder / "records" / "2026" / "scan report.txt").write_text("MRI: see page 2\n")
    (folder / "photo.bin").write_bytes(bytes(range(256)) * 10)
    return folder


@pytest.fixture
def full(owner, visit, files):
    """A household with something in as many tables as the journey so far fills."""
    note = capture.add_note(visit, owner, "Chemo for two years, she said ✓")
    capture.add_answer(visit.questions[0], owner, "She agrees with the diagnosis")
    opinion = opinions.save_opinion(visit.case, visit_id=visit.id,
                                    topics={"diagnosis": "ALL", "treatment": "Chemo"},
                                    sources={"diagnosis": [f"note:{note.id}"]})
    opinions.save_row(visit.case, "treatment", "differ", "philosophy", "Ask again")
    opinions.save_values(visit.case, owner.id, {"risk": "Careful"})
    decision = decisions.decide(visit.case, option="continue", reasons="Trust",
                                decided_on=in_days(16))
    decisions.save_letter(decision, "tell-first", "Dear Dr Okafor, we continue.")
    db.session.commit()
    return opinion


def snapshot():
    """Every row of every table, as the database gives it back, and every file's bytes."""
    rows = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows[table.name] = connection.execute(
                select(table).order_by(*table.primary_key.columns)).all()
    folder = archive.files_folder()
    files = ({path.relative_to(folder).as_posix(): path.read_bytes()
              for path in folder.rglob("*") if path.is_file()} if folder.exists() else {})
    return rows, files


def wipe(files):
    """A fresh install: empty tables, no files."""
    db.session.remove()
    db.drop_all()
    db.create_all()
    import shutil
    shutil.rmtree(files)


def test_export_wipe_restore_brings_back_every_row_and_file(full, files, tmp_path):
    before = snapshot()
    assert sum(len(rows) for rows in before[0].values()) > 15 and len(before[1]) == 2
    target = tmp_path / "export.zip"
    manifest = archive.export_archive(target, kind=archive.BACKUP)
    assert set(manifest["tables"]) == {table.name for table in db.metadata.sorted_tables}
    wipe(files)
    assert restore.is_empty()
    restore.restore_archive(target)
    after = snapshot()
    assert after == before
    # The ids move on past the restored ones (PostgreSQL's sequences too).
    db.session.add(Household(name="Next"))
    db.session.commit()


def test_the_archive_has_a_readable_copy_and_a_manifest_of_checksums(full, tmp_path):
    target = tmp_path / "export.zip"
    archive.export_archive(target)
    with zipfile.ZipFile(target) as made:
        manifest = json.loads(made.read("manifest.json"))
        readable = made.read("index.html").decode()
        names = set(made.namelist())
    assert manifest["format"] == "ask-twice-export" and manifest["version"] == 1
    assert names == set(manifest["members"]) | {"manifest.json", "manifest.sig"}
    assert "files/records/2026/scan report.txt" in names
    assert "Dr Okafor" in readable and "Chemo for two years" in readable
    assert "Dear Dr Okafor, we continue." in readable
    assert "They differ" in readable and "Ask again" in readable


def rewrite(source, target, change):
    """Copy an archive, passing each member's name and bytes through `change`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            replaced = change(name, old.read(name))
            if replaced is not None:
                new.writestr(*replaced)


def tampered_note(name, content):
    if name == "data/note.json":
        return name, content.replace(b"two years", b"ten years")  # same size: the checksum tells
    return name, content


@pytest.mark.parametrize("damage, message", [
    (lambda data: data[: len(data) // 2], "damaged or incomplete"),
    (lambda data: b"", "damaged or incomplete"),
    ("tamper", "does not match its checksum"),
    ("tamper-file", "does not match its checksum"),
    ("escape", "where none belongs"),
    ("missing", "do not match its manifest"),
    ("foreign", "not an Ask Twice export"),
    ("version", "format version 2"),
])
def test_a_damaged_or_foreign_archive_is_refused_with_nothing_changed(
        full, files, tmp_path, damage, message):
    good = tmp_path / "export.zip"
    archive.export_archive(good)
    bad = tmp_path / "bad.zip"
    if damage == "tamper":
        rewrite(good, bad, tampered_note)
    elif damage == "tamper-file":
        rewrite(good, bad, lambda name, content: (name, content.replace(b"page 2", b"page 3"))
                if name.startswith("files/") else (name, content))
    elif damage == "escape":
        rewrite(good, bad, lambda name, content: (name, content.replace(
            b"files/photo.bin", b"files/../../photo.bin")) if name == "manifest.json"
            else (name.replace("files/photo.bin", "files/../../photo.bin"), content))
    elif damage == "missing":
        rewrite(good, bad, lambda name, content: None if name == "data/letter.json"
                else (name, content))
    elif damage == "foreign":
        rewrite(good, bad, lambda name, content: (name, content.replace(
            b'"ask-twice-export"', b'"someone-else"')) if name == "manifest.json"
            else (name, content))
    elif damage == "version":
        rewrite(good, bad, lambda name, content: (name, content.replace(
            b'"version": 1', b'"version": 2')) if name == "manifest.json" else (name, content))
    else:
        bad.write_bytes(damage(good.read_bytes()))
    wipe(files)
    with pytest.raises(restore.ArchiveRefused, match=message):
        restore.restore_archive(bad)
    assert restore.is_empty() and not files.exists()
    assert list(files.parent.glob(".restoring-*")) == []  # nothing staged is left behind
    assert not (files.parent.parent / "photo.bin").exists()


def test_restore_refuses_a_database_that_is_not_empty(full, tmp_path):
    target = tmp_path / "export.zip"
    archive.export_archive(target)
    before = snapshot()
    with pytest.raises(restore.ArchiveRefused, match="already holds data"):
        restore.restore_archive(target)
    assert snapshot() == before


def test_restore_adds_every_row_in_one_transaction(full, files, tmp_path, monkeypatch):
    target = tmp_path / "export.zip"
    archive.export_archive(target)
    filled = [name for name, rows in snapshot()[0].items() if rows]
    wipe(files)
    # The last filled table's rows fail: none of the tables before it keep a row.
    last = db.metadata.tables[filled[-1]]
    rows = restore._decode_row

    def broken(table, row):
        if table is last:
            raise RuntimeError("disk full")
        return rows(table, row)

    monkeypatch.setattr(restore, "_decode_row", broken)
    with pytest.raises(RuntimeError):
        restore.restore_archive(target)
    assert restore.is_empty() and not files.exists()


def test_the_command_exports_and_restores(app, full, files, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "cli.zip"
    result = runner.invoke(args=["export", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "Exported" in result.output and target.exists()
    result = runner.invoke(args=["restore", str(target)])
    assert result.exit_code == 1 and "already holds data" in result.output


def test_backup_copies_the_sqlite_database_while_a_write_is_open(app, full, tmp_path):
    if db.engine.dialect.name != "sqlite":
        result = app.test_cli_runner().invoke(
            args=["backup", "--sqlite", str(tmp_path / "b.sqlite")])
        assert result.exit_code == 1 and "pg_dump" in result.output
        return
    writer = sqlite3.connect(db.engine.url.database)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO household (name, version, created_at) VALUES ('half', 0, '')")
    target = tmp_path / "backup.sqlite"
    result = app.test_cli_runner().invoke(args=["backup", "--sqlite", str(target)])
    writer.rollback()
    writer.close()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    names = [row[0] for row in copy.execute("SELECT name FROM household")]
    copy.close()
    assert names == [db.session.scalar(select(Household.name))]  # not the uncommitted one
    assert db.session.scalar(select(func.count()).select_from(Household)) == 1


def test_recordings_and_their_audio_come_back(app, owner, visit, tmp_path):
    """Recordings' chunk files live with the record attachments (ATTACHMENTS_DIR): the
    archive carries them, and the readable copy names the agreement each was made under."""
    import hashlib

    from webapp.services import recordings

    app.config.pop("FILES_FOLDER", None)
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    recording = recordings.start_recording(visit, owner, "audio/webm")
    sound = b"\x1a\x45\xdf\xa3" + bytes(range(200))
    recordings.add_chunk(recording, 0, hashlib.sha256(sound).hexdigest(), sound)
    recordings.stop_recording(recording, owner, 1000, "stopped", 1)
    db.session.commit()
    before = snapshot()
    assert len(before[1]) == 1 and before[0]["recording_chunk"]
    target = tmp_path / "export.zip"
    archive.export_archive(target, kind=archive.BACKUP)
    with zipfile.ZipFile(target) as packed:
        readable = packed.read("index.html").decode()
    assert "Recording" in readable and "Dr Okafor agreed" in readable
    wipe(archive.files_folder())
    restore.restore_archive(target)
    assert snapshot() == before
    restored = recordings.audio(db.session.get(type(recording), recording.id))
    assert b"".join(restored.blocks()) == sound


@pytest.fixture
def signed_up(app, full, owner):
    """A browser signed in, a phone paired, a pairing code waiting, a wrong passphrase tried;
    returns the phone's token."""
    from webapp.services import accounts, devices, pairing, throttle

    login_key = accounts.start_login(owner)
    _, token = devices.register_device(owner, "Dad's phone",
                                       login=accounts.login_for_key(login_key))
    pairing.start_pairing(owner)
    throttle.record_failure("192.0.2.1", "Sam")
    db.session.commit()
    return token


def secrets_kept():
    """Every sign-in secret the database holds now."""
    from webapp.models import Device, Login, Member, Pairing

    return {value for column in (Member.passphrase_hash, Login.key_hash, Device.token_hash,
                                 Pairing.link_hash, Pairing.code_hash)
            for value in db.session.scalars(select(column)) if value}


def test_an_export_carries_no_way_to_sign_in(signed_up, tmp_path):
    secrets = secrets_kept()
    assert len(secrets) == 5
    target = tmp_path / "export.zip"
    archive.export_archive(target)
    with zipfile.ZipFile(target) as made:
        everything = b"".join(made.read(name) for name in made.namelist())
        tables = {name: json.loads(made.read(f"data/{name}.json"))
                  for name in archive.SIGN_IN_TABLES | {"member", "device"}}
    assert not any(secret.encode() in everything for secret in secrets)
    assert all(tables[name] == [] for name in archive.SIGN_IN_TABLES)
    assert {row["passphrase_hash"] for row in tables["member"]} == {""}
    (device,) = tables["device"]
    assert device["revoked_at"] and device["login_id"] is None


def test_every_secret_looking_column_is_left_out_of_an_export():
    """A table or column added later that keeps a hash or a token must be named here."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_hash") or "token" in column.name:
                assert table.name in archive.SIGN_IN_TABLES or column.name in (
                    archive.SIGN_IN_COLUMNS[table.name]({"id": 1, "revoked_at": None}, "now"))


def test_a_backup_archive_keeps_sign_in_so_phones_go_on_syncing(app, signed_up, files,
                                                                tmp_path):
    target = tmp_path / "backups" / "b.zip"
    result = app.test_cli_runner().invoke(args=["backup", "--archive", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600
    before = snapshot()
    wipe(files)
    assert restore.restore_archive(target)[1] == archive.BACKUP
    assert snapshot() == before
    assert pull(app, signed_up).status_code == 200


def pull(app, token):
    """A phone's pull with its token, as it syncs."""
    from webapp.models import Device

    return app.test_client().post(
        "/api/v1/sync/pull", json={"device_id": str(db.session.scalar(select(Device.id))),
                                   "cursor": None},
        headers={"Authorization": f"Bearer {token}"})


def test_after_restoring_an_export_the_owner_sets_a_passphrase_and_phones_pair_again(
        app, signed_up, files, tmp_path):
    from tests.conftest import PASSPHRASE

    target = tmp_path / "export.zip"
    archive.export_archive(target)
    wipe(files)
    assert restore.restore_archive(target)[1] == archive.EXPORT
    assert pull(app, signed_up).status_code == 401
    browser = app.test_client()
    assert browser.post("/signin", data={"name": "Sam", "passphrase": PASSPHRASE}
                        ).headers["Location"] == "/setup"
    page = browser.get("/setup")
    assert page.status_code == 200 and "Welcome back, Sam" in page.text
    assert browser.post("/setup", data={"passphrase": "a new passphrase",
                                        "passphrase_again": "another"}).status_code == 422
    assert browser.post("/setup", data={"passphrase": "a new passphrase",
                                        "passphrase_again": "a new passphrase"}
                        ).headers["Location"] == "/"
    assert browser.get("/").status_code == 200
    other = app.test_client()
    assert other.get("/setup").headers["Location"] == "/signin"  # set once, not again
    assert other.post("/signin", data={"name": "Sam", "passphrase": "a new passphrase"}
                      ).status_code == 303


def test_backups_and_exports_the_commands_write_are_for_this_user_only(app, full, tmp_path):
    runner = app.test_cli_runner()
    made = [tmp_path / "export.zip", tmp_path / "backups" / "b.zip"]
    assert runner.invoke(args=["export", "-o", str(made[0])]).exit_code == 0
    assert runner.invoke(args=["backup", "--archive", str(made[1])]).exit_code == 0
    if db.engine.dialect.name == "sqlite":
        made.append(tmp_path / "backups" / "b.sqlite")
        assert runner.invoke(args=["backup", "--sqlite", str(made[-1])]).exit_code == 0
    assert [path.stat().st_mode & 0o777 for path in made] == [0o600] * len(made)
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
    assert not list(tmp_path.rglob("*.partial"))

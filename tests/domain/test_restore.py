"""Restore reads nothing it was not told of, nothing larger than it was told, and asks
before it trusts an archive another install (or no install) made."""

import hashlib
import io
import json
import zipfile

import pytest

from tests.domain import test_archive
from webapp.services import archive, restore

files, full, wipe = test_archive.files, test_archive.full, test_archive.wipe  # fixtures, a helper


def repack(source, target, add=None, drop=(), sign=True, listed=True):
    """Copy an archive with the members `add` ({name: bytes}) added to it and `drop` left
    out, listed in its manifest (`listed`) and signed by this install (`sign`)."""
    add = add or {}
    with zipfile.ZipFile(source) as old:
        manifest = json.loads(old.read(archive.MANIFEST))
        members = {name: old.read(name) for name in old.namelist()
                   if name not in (archive.MANIFEST, archive.SIGNATURE, *drop)}
    members.update(add)
    if listed:
        manifest["members"] = {name: {"sha256": hashlib.sha256(content).hexdigest(),
                                      "size": len(content)} for name, content in members.items()}
    raw = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as new:
        for name, content in members.items():
            new.writestr(name, content)
        new.writestr(archive.MANIFEST, raw)
        if sign:
            new.writestr(archive.SIGNATURE, archive.signature(raw))


@pytest.fixture
def opened(monkeypatch):
    """The names of the members restore opens, in order."""
    names = []
    real = zipfile.ZipFile.open

    def recording(self, name, *args, **kwargs):
        names.append(getattr(name, "filename", name))
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording)
    return names


HUGE = b"[" + b" " * (50 * 2**20) + b"]"  # 50 MB of rows that pack into 50 KB


@pytest.mark.parametrize("listed, message", [
    (True, "where none belongs: data/huge.json"),  # listed, but as no table
    (False, "do not match its manifest"),  # not listed at all
])
def test_a_member_that_is_no_listed_table_is_refused_before_any_member_is_read(
        full, files, tmp_path, opened, listed, message):
    good, bad = tmp_path / "export.zip", tmp_path / "bad.zip"
    archive.export_archive(good)
    repack(good, bad, add={"data/huge.json": HUGE}, listed=listed)
    wipe(files)
    opened.clear()
    with pytest.raises(restore.ArchiveRefused, match=message):
        restore.restore_archive(bad)
    assert opened == [archive.MANIFEST]
    assert restore.is_empty()


def test_a_table_larger_than_the_hard_limit_is_refused_unread(full, files, tmp_path, opened,
                                                               monkeypatch):
    target = tmp_path / "export.zip"
    archive.export_archive(target)
    with zipfile.ZipFile(target) as made:
        size, largest = max((info.file_size, info.filename) for info in made.infolist()
                            if info.filename.startswith("data/"))
    monkeypatch.setattr(restore, "MAX_TABLE_BYTES", size - 1)
    wipe(files)
    opened.clear()
    with pytest.raises(restore.ArchiveRefused, match=f"larger than Ask Twice makes .{largest}"):
        restore.restore_archive(target)
    assert opened == [archive.MANIFEST] and restore.is_empty()


def test_a_member_that_unpacks_larger_than_listed_is_read_no_further(
        full, files, tmp_path, monkeypatch):
    """A zip's own sizes can lie: the reading stops one chunk past the listed size."""
    target = tmp_path / "export.zip"
    archive.export_archive(target)
    wipe(files)
    real, given = zipfile.ZipFile.open, []

    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            given.append(len(buffer))
            buffer[:] = b" " * len(buffer)
            return len(buffer)

    def lying(self, name, *args, **kwargs):
        return io.BufferedReader(Endless()) if name == "data/note.json" else real(
            self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", lying)
    with pytest.raises(restore.ArchiveRefused, match="larger than it says"):
        restore.restore_archive(target)
    with zipfile.ZipFile(target) as made:
        listed = made.getinfo("data/note.json").file_size
    assert sum(given) <= listed + 2 * restore.CHUNK
    assert restore.is_empty()


def made_elsewhere(app, target):
    """Export with another install's secret key."""
    ours = app.secret_key
    app.secret_key = "another install's key"
    try:
        archive.export_archive(target)
    finally:
        app.secret_key = ours


@pytest.mark.parametrize("origin, why", [
    ("foreign", "made by another Ask Twice"),
    ("unsigned", "not signed by any Ask Twice"),
    ("forged", "made by another Ask Twice"),  # the manifest changed after it was signed
])
def test_an_archive_this_install_did_not_sign_is_restored_only_when_trusted(
        app, full, files, tmp_path, origin, why):
    good, target = tmp_path / "export.zip", tmp_path / "doubtful.zip"
    if origin == "foreign":
        made_elsewhere(app, target)
    else:
        archive.export_archive(good)
        repack(good, target, sign=origin == "forged")
        if origin == "forged":  # re-signed above by us; now change the manifest under it
            with zipfile.ZipFile(target) as old:
                members = {name: old.read(name) for name in old.namelist()}
            members[archive.MANIFEST] = members[archive.MANIFEST].replace(b'"export"',
                                                                           b'"backup"')
            with zipfile.ZipFile(target, "w") as new:
                for name, content in members.items():
                    new.writestr(name, content)
    wipe(files)
    with pytest.raises(restore.NotVouchedFor) as refused:
        restore.restore_archive(target)
    assert why in refused.value.message
    assert "It says it came from" in refused.value.message and restore.is_empty()
    counts, _ = restore.restore_archive(target, trusted=True)
    assert counts["note"] == 1 and not restore.is_empty()


def test_the_restore_command_asks_before_an_archive_made_elsewhere(app, full, files, tmp_path):
    import socket

    target = tmp_path / "elsewhere.zip"
    made_elsewhere(app, target)
    wipe(files)
    runner = app.test_cli_runner()
    declined = runner.invoke(args=["restore", str(target)], input="n\n")
    assert declined.exit_code == 1 and restore.is_empty()
    assert f"It says it came from {socket.gethostname()}" in declined.output
    unanswered = runner.invoke(args=["restore", str(target)])  # no one to ask: no
    assert unanswered.exit_code == 1 and restore.is_empty()
    agreed = runner.invoke(args=["restore", str(target)], input="y\n")
    assert agreed.exit_code == 0, agreed.output
    assert "Restored" in agreed.output and not restore.is_empty()


def test_the_restore_command_restores_an_archive_made_elsewhere_with_yes(
        app, full, files, tmp_path):
    target = tmp_path / "elsewhere.zip"
    made_elsewhere(app, target)
    wipe(files)
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert "set the owner's passphrase" in result.output and not restore.is_empty()


def test_on_a_shared_server_only_the_command_sets_a_restored_owner_s_passphrase(
        app, full, files, stranger, tmp_path):
    target = tmp_path / "export.zip"
    archive.export_archive(target)
    wipe(files)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["restore", str(target)])
    assert "set-passphrase NAME" in result.output
    browser = app.test_client()
    assert browser.get("/setup").headers["Location"] == "/signin"  # anyone could reach it
    short = runner.invoke(args=["set-passphrase", "sam"], input="short\nshort\n")
    assert short.exit_code == 1 and "10 to 200 characters" in short.output
    done = runner.invoke(args=["set-passphrase", "sam"],
                         input="a new passphrase\na new passphrase\n")
    assert done.exit_code == 0, done.output
    again = runner.invoke(args=["set-passphrase", "Sam"], input="x" * 12 + "\n" + "x" * 12 + "\n")
    assert again.exit_code == 1 and "No owner named Sam" in again.output
    assert browser.post("/signin", data={"name": "Sam", "passphrase": "a new passphrase"}
                        ).status_code == 303


def test_files_that_would_fill_the_disk_are_refused_before_any_is_unpacked(
        full, files, tmp_path, opened, monkeypatch):
    import shutil
    from collections import namedtuple

    target = tmp_path / "export.zip"
    archive.export_archive(target)
    wipe(files)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda path: usage(2**30, 2**30, restore.ROOM_LEFT + 100))
    opened.clear()
    with pytest.raises(restore.ArchiveRefused, match="need 1 MB, and this computer has 257 MB"):
        restore.restore_archive(target)
    assert not any(name.startswith("files/") for name in opened)
    assert restore.is_empty() and not list(files.parent.glob(".restoring-*"))


def test_an_install_that_holds_data_is_refused_before_any_row_is_read(full, files, tmp_path,
                                                                       opened):
    """A restore run by mistake on the computer in use must not first read every table
    (up to the hard limit each) into the memory the running app shares."""
    target = tmp_path / "export.zip"
    archive.export_archive(target)
    opened.clear()
    with pytest.raises(restore.ArchiveRefused, match="already holds data"):
        restore.restore_archive(target)
    assert not [name for name in opened if name.startswith(("data/", "files/"))], opened

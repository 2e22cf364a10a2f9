"""Export everything to one archive, back it up, and sign what this install made.

An archive is a zip file:

- `manifest.json`: the format and its version, the database schema's revision,
  its kind and where it was made, the tables in the order they are restored, and
  the SHA-256 and size of every other member;
- `manifest.sig`: an HMAC of the manifest with a key only this install has, so a
  restore here can tell its own archives from anyone else's (services/restore.py);
- `data/<table>.json`: every row of every table the models declare (read from
  `db.metadata`, so a table added later is exported with no change here);
- `files/...`: every file under the files folder (`instance/attachments`: record
  attachments and recordings);
- `index.html`: a copy to read in any browser.

Two kinds: an export is meant to leave the computer, so it carries no way to
sign in (SIGN_IN_TABLES, SIGN_IN_COLUMNS); a backup restores this install after
a failure, keeps them so phones go on syncing, and its file is for this user only.
"""

import base64
import hashlib
import hmac
import json
import os
import socket
import sqlite3
import uuid
import zipfile
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import MetaData, func, select, text

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.models._types import utcnow

FORMAT = "ask-twice-export"
VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
READABLE = "index.html"
EXPORT, BACKUP = "export", "backup"

# What lets someone sign in, left out of an export: whoever holds the file can then
# neither try passphrases against the hashes nor sync as one of the family's phones.
# These tables go empty; these columns get a value that lets no one in.
SIGN_IN_TABLES = {"login", "pairing", "sign_in_failure"}
SIGN_IN_COLUMNS = {
    "member": lambda row, now: {"passphrase_hash": ""},  # the owner sets a new one
    "device": lambda row, now: {"token_hash": f"none:{row['id']}",  # unique, never a digest
                                "revoked_at": row["revoked_at"] or now},  # pair again
}


class ArchiveRefused(DomainError):
    """The archive (or the place it would go) is not one we can restore safely."""

    status = 422
    code = "archive_refused"


def files_folder():
    """Return the folder attached files live in: record attachments and recordings
    (ATTACHMENTS_DIR, instance/attachments by default; FILES_FOLDER overrides it)."""
    return Path(current_app.config.get("FILES_FOLDER") or current_app.config["ATTACHMENTS_DIR"])


# -- export ------------------------------------------------------------------

def export_archive(target, kind=EXPORT, as_stored=False):
    """Write every row, every attached file and a readable copy to the zip `target`.

    `target` is a path (written for this user only, whole or not at all) or a
    binary file. The rows are read in one transaction, so they are consistent
    with each other even while the app is in use. An EXPORT leaves out every
    way to sign in; a BACKUP keeps them. `as_stored`: read the tables as the
    database holds them, not as this version's models declare them, and leave
    out the readable copy (made from the models): a backup before migrating,
    which the version that made the database restores.
    """
    if not isinstance(target, str | Path):
        return _write_archive(target, kind, as_stored)
    target = Path(target)
    with private_file(target) as partial:
        return _write_archive(partial, kind, as_stored)


def _write_archive(target, kind, as_stored):
    created_at = utcnow()
    tables = _read_tables(_stored_tables() if as_stored else db.metadata)
    if kind == EXPORT:
        _leave_out_sign_in(tables, created_at.isoformat())
    members = {f"data/{name}.json": _dumps(rows) for name, rows in tables.items()}
    if not as_stored:
        members[READABLE] = render_template("archive/readable.html",
                                            **_readable(tables)).encode()
    files = sorted(attached_files())
    manifest = {
        "format": FORMAT, "version": VERSION, "schema": schema_revision(), "kind": kind,
        "host": socket.gethostname(), "created_at": created_at.isoformat(),
        "tables": list(tables),
        "members": {name: _fingerprint(content) for name, content in members.items()},
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        for relative, path in files:
            name = f"files/{relative}"
            manifest["members"][name] = _file_fingerprint(path)
            archive.write(path, name)
        listed = _dumps(manifest)
        archive.writestr(MANIFEST, listed)
        archive.writestr(SIGNATURE, signature(listed))
    return manifest


def _leave_out_sign_in(tables, now):
    """Empty SIGN_IN_TABLES, blank SIGN_IN_COLUMNS, and unlink every row from the
    emptied tables (a device from the sign-in that registered it)."""
    for table in db.metadata.sorted_tables:
        rows = tables[table.name]
        if table.name in SIGN_IN_TABLES:
            rows.clear()
            continue
        links = [column.name for column in table.columns
                 if any(key.column.table.name in SIGN_IN_TABLES for key in column.foreign_keys)]
        blank = SIGN_IN_COLUMNS.get(table.name, lambda row, now: {})
        for row in rows:
            row.update({name: None for name in links}, **blank(row, now))


def signature(manifest):
    """Return the HMAC-SHA256 (hex) of the manifest's bytes with this install's archive key.

    The key is derived from the secret key (instance/secret_key or
    ASK_TWICE_SECRET_KEY), so only this install, or one given the same key, makes it.
    """
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else secret
    key = hmac.new(secret, b"ask-twice archive v1", hashlib.sha256).digest()
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


def one_household():
    """Tell whether the database holds one household only: the export button exports the
    whole database, so on a server shared by several families only the command may."""
    from webapp.models import Household

    return db.session.scalar(select(func.count()).select_from(Household)) <= 1


def _stored_tables():
    """Return the tables the database holds now, but Alembic's own."""
    stored = MetaData()
    stored.reflect(bind=db.engine)
    if "alembic_version" in stored.tables:
        stored.remove(stored.tables["alembic_version"])
    return stored


def _read_tables(metadata):
    """Return {table name: [row dicts]} for every table of `metadata`, parents before
    children."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            return {table.name: [_encode_row(row) for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)).mappings()]
                    for table in metadata.sorted_tables}


def _encode_row(row):
    return {key: _encode(value) for key, value in row.items()}


def _encode(value):
    """Turn a column's Python value into JSON; `_decode` turns it back by the column type."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode()


def _fingerprint(content):
    return {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}


def _file_fingerprint(path):
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def attached_files():
    """Yield (path under the files folder, path) of every attached file kept."""
    root = files_folder()
    if not root.is_dir():
        return
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        # Uploads still under way, and files being written, are not kept yet.
        if relative.startswith("partial/") or path.name.endswith(".tmp"):
            continue
        if path.is_file() and not path.is_symlink():
            yield relative, path


def _readable(tables):
    """What the readable copy shows: the family's cases and, for the rest, each table."""
    from webapp.models import Case, ComparisonRow, Decision, Opinion
    from webapp.services import library, opinions

    def by_case(model):
        found = {}
        for row in db.session.scalars(select(model).order_by(model.id)):
            found.setdefault(row.case_id, []).append(row)
        return found

    content = library.after_visit()
    return {"cases": db.session.scalars(select(Case).order_by(Case.id)).all(),
            "opinions": by_case(Opinion), "decisions": by_case(Decision),
            "comparisons": by_case(ComparisonRow),
            "topics": content["topic"],
            "topic_labels": opinions.topic_labels(), "verdicts": opinions.VERDICTS,
            "options": {option["key"]: option["label"] for option in content["option"]},
            "letters": {kind["key"]: kind["label"] for kind in content["letter"]},
            "tables": tables, "created_at": utcnow()}


def schema_revision():
    """Return the database's Alembic revision, or None when it was made without Alembic."""
    try:
        with db.engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001  (no such table: made by create_all, as in tests)
        return None


# -- backup ------------------------------------------------------------------

def backup_database(target):
    """Copy the SQLite database to `target` with SQLite's online backup, while the app runs.

    The copy is for this user only from its first byte, like the database.

    Raises:
        DomainError: the database is not a SQLite file (PostgreSQL: back up an archive).
    """
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise DomainError("The database is PostgreSQL: back it up with ask-twice backup "
                          "(an archive), or with pg_dump.")
    if not url.database or url.database == ":memory:":
        raise DomainError("This database lives in memory only: there is no file to back up.")
    with private_file(Path(target)) as partial:
        source = sqlite3.connect(url.database)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    return target


@contextmanager
def private_file(target):
    """Give a new partial file beside `target`, readable by this user only (0600), that
    takes `target`'s place when the block ends well and is deleted otherwise."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)


def stamp():
    """A file-name-safe timestamp for exports and backups."""
    return utcnow().strftime("%Y%m%d-%H%M%S")


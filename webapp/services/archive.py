"""Export everything to one archive, restore it on a fresh install, back up the database.

An archive is a zip file:

- `manifest.json`: the format and its version, the database schema's revision,
  the tables in the order they are restored, and the SHA-256 and size of every
  other member;
- `data/<table>.json`: every row of every table the models declare (read from
  `db.metadata`, so a table added later is exported with no change here);
- `files/...`: every file under the files folder (`instance/attachments`: record
  attachments and recordings);
- `index.html`: a copy to read in any browser.

Restore checks the whole archive before it changes anything, refuses any
database that is not empty, and inserts every row in one transaction.
"""

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

from flask import current_app, render_template
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.models._types import utcnow

FORMAT = "ask-twice-export"
VERSION = 1
MANIFEST = "manifest.json"
READABLE = "index.html"


class ArchiveRefused(DomainError):
    """The archive (or the place it would go) is not one we can restore safely."""

    status = 422
    code = "archive_refused"


def files_folder():
    """Return the folder attached files live in: record attachments and recordings
    (ATTACHMENTS_DIR, instance/attachments by default; FILES_FOLDER overrides it)."""
    return Path(current_app.config.get("FILES_FOLDER") or current_app.config["ATTACHMENTS_DIR"])


# -- export ------------------------------------------------------------------

def export_archive(target):
    """Write every row, every attached file and a readable copy to the zip `target`.

    `target` is a path or a binary file. The rows are read in one transaction,
    so they are consistent with each other even while the app is in use.
    """
    tables = _read_tables()
    members = {f"data/{name}.json": _dumps(rows) for name, rows in tables.items()}
    members[READABLE] = render_template("archive/readable.html", **_readable(tables)).encode()
    files = sorted(_attached_files())
    manifest = {
        "format": FORMAT, "version": VERSION, "schema": schema_revision(),
        "created_at": utcnow().isoformat(), "tables": list(tables),
        "members": {name: _fingerprint(content) for name, content in members.items()},
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        for relative, path in files:
            name = f"files/{relative}"
            manifest["members"][name] = _file_fingerprint(path)
            archive.write(path, name)
        archive.writestr(MANIFEST, _dumps(manifest))
    return manifest


def one_household():
    """Tell whether the database holds one household only: the export button exports the
    whole database, so on a server shared by several families only the command may."""
    from webapp.models import Household

    return db.session.scalar(select(func.count()).select_from(Household)) <= 1


def _read_tables():
    """Return {table name: [row dicts]} for every table, parents before children."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            return {table.name: [_encode_row(row) for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)).mappings()]
                    for table in db.metadata.sorted_tables}


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


def _attached_files():
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


# -- restore -----------------------------------------------------------------

def restore_archive(source):
    """Bring back every row and file from the archive `source` (a path or binary file).

    Raises:
        ArchiveRefused: the archive is damaged, tampered with, from another app
            or schema, or the database or files folder is not empty. Nothing
            has changed then.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            listed = _check_listing(archive)
            tables = _tables(listed, {name: _read_checked(archive, name, expected)
                                      for name, expected in listed["members"].items()
                                      if not name.startswith("files/")})
            _refuse_unless_empty()
            staging = _stage_files(archive, listed["members"])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
        raise ArchiveRefused("This archive is damaged or incomplete, so nothing was restored."
                             ) from error
    try:
        with db.engine.begin() as connection:
            _refuse_unless_empty(connection)  # again, inside: nothing slipped in meanwhile
            for table in db.metadata.sorted_tables:
                rows = [_decode_row(table, row) for row in tables.get(table.name, [])]
                if rows:
                    connection.execute(table.insert(), rows)
            _move_sequences_on(connection)
    except IntegrityError as error:  # an archive whose rows do not fit together
        shutil.rmtree(staging, ignore_errors=True)
        raise ArchiveRefused("This archive's rows do not fit together, so nothing was restored."
                             ) from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if any(staging.iterdir()):
        staging.replace(files_folder())
    else:
        shutil.rmtree(staging, ignore_errors=True)
    return {name: len(rows) for name, rows in tables.items()}


def _check_listing(archive):
    """Check the manifest and that the archive holds what it lists, no more, no larger.

    Sizes are compared before anything is read, so a small file that would
    unpack into a huge one is refused first.
    """
    names = archive.namelist()
    if MANIFEST not in names:
        raise ArchiveRefused("This is not an Ask Twice export: it has no manifest.")
    manifest = _manifest(archive.read(MANIFEST))
    listed = manifest["members"]
    if sorted(set(names) - {MANIFEST}) != sorted(listed) or len(names) != len(set(names)):
        raise ArchiveRefused("This archive's contents do not match its manifest.")
    for name, expected in listed.items():
        _check_place(name)
        if not isinstance(expected, dict) or (
                archive.getinfo(name).file_size != expected.get("size")):
            raise ArchiveRefused(f"This archive was changed after it was made ({name} does "
                                 "not match its size), so nothing was restored.")
    return manifest


def _check_place(name):
    path = PurePosixPath(name)
    allowed = name == READABLE or (
        len(path.parts) >= 2 and path.parts[0] in {"data", "files"}
        and not path.is_absolute() and ".." not in path.parts and "\\" not in name)
    if not allowed:
        raise ArchiveRefused(f"This archive holds a file where none belongs: {name}.")


def _read_checked(archive, name, expected):
    content = archive.read(name)
    _check_digest(name, hashlib.sha256(content).hexdigest(), expected)
    return content


def _check_digest(name, sha256, expected):
    if sha256 != expected.get("sha256"):
        raise ArchiveRefused(f"This archive was changed after it was made ({name} does not "
                             "match its checksum), so nothing was restored.")


def _stage_files(archive, listed):
    """Unpack the archive's files beside the files folder, checking each one's checksum
    as it streams; they move in once the rows are in. Returns the staging folder."""
    root = files_folder()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=root.parent))
    try:
        for name, expected in listed.items():
            if name.startswith("files/"):
                path = staging / name.removeprefix("files/")
                path.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with archive.open(name) as packed, path.open("wb") as unpacked:
                    for chunk in iter(lambda: packed.read(1 << 16), b""):
                        digest.update(chunk)
                        unpacked.write(chunk)
                _check_digest(name, digest.hexdigest(), expected)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if root.exists():  # an empty folder (is_empty said so): the staged one takes its place
        root.rmdir()
    return staging


def _manifest(raw):
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ArchiveRefused("This archive's manifest cannot be read.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused("This is not an Ask Twice export.")
    if manifest.get("version") != VERSION:
        raise ArchiveRefused(f"This export has format version {manifest.get('version')!r}; "
                             f"this Ask Twice reads version {VERSION}.")
    if manifest.get("schema") != schema_revision():
        raise ArchiveRefused(
            f"This export is from database version {manifest.get('schema')}; this Ask Twice "
            f"is at {schema_revision()}. Restore it with the matching version of Ask Twice.")
    if not isinstance(manifest.get("members"), dict) or not isinstance(manifest.get("tables"),
                                                                        list):
        raise ArchiveRefused("This archive's manifest is incomplete.")
    return manifest


def _tables(manifest, contents):
    known = {table.name: table for table in db.metadata.sorted_tables}
    tables = {}
    for name in manifest["tables"]:
        table = known.get(name)
        raw = contents.get(f"data/{name}.json")
        if table is None or raw is None:
            raise ArchiveRefused(f"This export has a table this Ask Twice does not know: {name}.")
        try:
            rows = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise ArchiveRefused(f"The rows of {name} cannot be read.") from error
        columns = {column.name for column in table.columns}
        if not isinstance(rows, list) or any(
                not isinstance(row, dict) or set(row) != columns for row in rows):
            raise ArchiveRefused(f"The rows of {name} do not fit this version of Ask Twice.")
        tables[name] = rows
    return tables


def _decode_row(table, row):
    try:
        return {column.name: _decode(column.type, row[column.name]) for column in table.columns}
    except (TypeError, ValueError) as error:
        raise ArchiveRefused(f"A row of {table.name} has a value we cannot read.") from error


def _decode(column_type, value):
    if value is None:
        return None
    if isinstance(column_type, TypeDecorator):  # ours, such as UTCDateTime: what it stores
        column_type = column_type.impl_instance
    try:
        kind = column_type.python_type
    except NotImplementedError:
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind in (date, time, uuid.UUID):
        return kind.fromisoformat(value) if kind is not uuid.UUID else uuid.UUID(value)
    if kind is bytes:
        return base64.b64decode(value)
    return value


def is_empty(connection=None):
    """Tell whether every table is empty and no file is attached (`connection`: read
    in its transaction)."""
    if connection is None:
        with db.engine.connect() as connection:
            return is_empty(connection)
    for table in db.metadata.sorted_tables:
        if connection.execute(select(func.count()).select_from(table)).scalar():
            return False
    return not any(True for _ in _attached_files())


def _refuse_unless_empty(connection=None):
    if not is_empty(connection):
        raise ArchiveRefused(
            "This Ask Twice already holds data, so nothing was restored. Restore into a fresh "
            "install (an empty database and no instance/attachments folder).")


def _move_sequences_on(connection):
    """On PostgreSQL, move each id sequence past the restored ids (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer.quote
    for table in db.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) == 1 and key[0].type.python_type is int:
            column = key[0]
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"coalesce(max({quote(column.name)}), 1), max({quote(column.name)}) IS NOT NULL) "
                f"FROM {quote(table.name)}"),
                {"table": quote(table.name), "column": column.name})


# -- backup ------------------------------------------------------------------

def backup_database(target):
    """Copy the SQLite database to `target` with SQLite's online backup, while the app runs.

    Raises:
        DomainError: the database is not a SQLite file (PostgreSQL: use pg_dump).
    """
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise DomainError("The database is PostgreSQL: back it up with pg_dump, for example "
                          "pg_dump --format=custom --file=ask-twice.dump DATABASE_NAME.")
    if not url.database or url.database == ":memory:":
        raise DomainError("This database lives in memory only: there is no file to back up.")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(url.database)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    os.chmod(partial, 0o600)
    partial.replace(target)
    return target


def stamp():
    """A file-name-safe timestamp for exports and backups."""
    return utcnow().strftime("%Y%m%d-%H%M%S")


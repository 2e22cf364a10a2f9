"""Restore an archive (services/archive.py) into a fresh, empty install.

Restore checks the whole archive before it changes anything, refuses any
database that is not empty, and inserts every row in one transaction. What it
reads, it reads bounded: every member's name is checked against the manifest
before any is opened, each is read no further than its listed size (and never
past a hard limit), and an archive this install did not sign is restored only
when the family says they trust where it came from.
"""

import base64
import hashlib
import hmac
import json
import shutil
import tempfile
import uuid
import zipfile
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator

from webapp.extensions import db
from webapp.services.archive import (
    BACKUP,
    FORMAT,
    MANIFEST,
    READABLE,
    SIGNATURE,
    VERSION,
    ArchiveRefused,
    attached_files,
    files_folder,
    schema_revision,
    signature,
)

# Hard limits, whatever a manifest says: far above what Ask Twice writes (a file
# is at most 6 MB, a table's rows a few MB), far below what would fill the memory.
MAX_MANIFEST_BYTES = 16 * 2**20
MAX_TABLE_BYTES = 64 * 2**20
MAX_FILE_BYTES = 64 * 2**20
CHUNK = 1 << 16
ROOM_LEFT = 256 * 2**20  # free space a restore leaves, for the database and everything else


class NotVouchedFor(ArchiveRefused):
    """The archive was not signed by this install: restored only once the family confirms."""

    code = "archive_not_vouched_for"

    def __init__(self, manifest, signed):
        came_from = (f"It says it came from {_shown(manifest.get('host'))}, made "
                     f"{_shown(manifest.get('created_at'))}.")
        why = ("It was made by another Ask Twice, or changed since it was made."
               if signed else "It is not signed by any Ask Twice.")
        super().__init__(f"This archive was not made by this Ask Twice. {why} {came_from} "
                         "Restore it only if you know where it came from.")


def restore_archive(source, trusted=False):
    """Bring back every row and file from the archive `source` (a path or binary file);
    return ({table: rows restored}, the archive's kind).

    `trusted`: the family confirmed an archive this install did not sign.

    Raises:
        NotVouchedFor: not signed by this install, and not `trusted`. Nothing has changed.
        ArchiveRefused: the archive is damaged, tampered with, too large, from another
            app or schema, or the database or files folder is not empty. Nothing has
            changed then.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            manifest, signed_here, signed = _check_listing(archive)
            if not (signed_here or trusted):
                raise NotVouchedFor(manifest, signed)
            _refuse_unless_empty()  # before reading any row: a mistake costs nothing
            tables = _tables(manifest, archive)
            staging = _stage_files(archive, manifest["members"])
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
    return {name: len(rows) for name, rows in tables.items()}, manifest.get("kind", BACKUP)


def _check_listing(archive):
    """Check the manifest, its signature, and that the archive holds what it lists, no
    more, no larger, each in its place; return (manifest, signed here, signed at all).

    Only the manifest and the signature are read here, bounded: every other
    member is judged by its name and its size before anything opens it.
    """
    names = archive.namelist()
    if MANIFEST not in names:
        raise ArchiveRefused("This is not an Ask Twice export: it has no manifest.")
    raw = b"".join(_bounded(archive, MANIFEST, MAX_MANIFEST_BYTES))
    manifest = _manifest(raw)
    listed = manifest["members"]
    if sorted(set(names) - {MANIFEST, SIGNATURE}) != sorted(listed) or (
            len(names) != len(set(names))):
        raise ArchiveRefused("This archive's contents do not match its manifest.")
    tables = {f"data/{name}.json" for name in manifest["tables"]}
    for name, expected in listed.items():
        limit = _check_place(name, tables)
        if not isinstance(expected, dict) or not isinstance(expected.get("size"), int) or (
                archive.getinfo(name).file_size != expected["size"]):
            raise ArchiveRefused(f"This archive was changed after it was made ({name} does "
                                 "not match its size), so nothing was restored.")
        if expected["size"] > limit:
            raise ArchiveRefused(f"This archive holds a file larger than Ask Twice makes "
                                 f"({name}), so nothing was restored.")
    signed = SIGNATURE in names
    sealed = b"".join(_bounded(archive, SIGNATURE, 128)) if signed else b""
    return manifest, hmac.compare_digest(sealed, signature(raw).encode()), signed


def _check_place(name, tables):
    """Refuse a member where none belongs; return how large it may be."""
    path = PurePosixPath(name)
    if name in tables:
        return MAX_TABLE_BYTES
    if name == READABLE:
        return MAX_TABLE_BYTES  # never read: restored from the rows, not from this copy
    if (len(path.parts) >= 2 and path.parts[0] == "files" and not path.is_absolute()
            and ".." not in path.parts and "\\" not in name):
        return MAX_FILE_BYTES
    raise ArchiveRefused(f"This archive holds a file where none belongs: {name}.")


def _bounded(archive, name, limit):
    """Yield a member's bytes, refusing it as soon as it gives more than `limit`."""
    size = 0
    with archive.open(name) as packed:
        while chunk := packed.read(min(CHUNK, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise ArchiveRefused(f"This archive's {name} is larger than it says, "
                                     "so nothing was restored.")
            yield chunk


def _checked(archive, name, expected):
    """Yield a member's bytes, no more than listed, then check its size and checksum."""
    digest, size = hashlib.sha256(), 0
    for chunk in _bounded(archive, name, expected["size"]):
        digest.update(chunk)
        size += len(chunk)
        yield chunk
    if size != expected["size"] or digest.hexdigest() != expected.get("sha256"):
        raise ArchiveRefused(f"This archive was changed after it was made ({name} does not "
                             "match its checksum), so nothing was restored.")


def _stage_files(archive, listed):
    """Unpack the archive's files beside the files folder, checking each one's checksum
    as it streams; they move in once the rows are in. Returns the staging folder."""
    root = files_folder()
    root.parent.mkdir(parents=True, exist_ok=True)
    needed = sum(expected["size"] for name, expected in listed.items()
                 if name.startswith("files/"))
    free = shutil.disk_usage(root.parent).free
    if needed > free - ROOM_LEFT:  # a small archive of zeros can unpack into a full disk
        raise ArchiveRefused(f"This archive's files need {_megabytes(needed)} MB, and this "
                             f"computer has {_megabytes(free)} MB free, so nothing was restored.")
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=root.parent))
    try:
        for name, expected in listed.items():
            if name.startswith("files/"):
                path = staging / name.removeprefix("files/")
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("wb") as unpacked:
                    for chunk in _checked(archive, name, expected):
                        unpacked.write(chunk)
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
    known = {table.name for table in db.metadata.sorted_tables}
    for name in manifest["tables"]:
        if not isinstance(name, str) or name not in known:
            raise ArchiveRefused(f"This export has a table this Ask Twice does not know: "
                                 f"{_shown(name)}.")
    return manifest


def _tables(manifest, archive):
    """Read each listed table's rows (bounded, checked) and check they fit the models."""
    known = {table.name: table for table in db.metadata.sorted_tables}
    tables = {}
    for name in manifest["tables"]:
        member = f"data/{name}.json"
        expected = manifest["members"].get(member)
        if expected is None:
            raise ArchiveRefused(f"This export lists the table {name} but holds no rows of it.")
        try:
            rows = json.loads(b"".join(_checked(archive, member, expected)))
        except (ValueError, UnicodeDecodeError) as error:
            raise ArchiveRefused(f"The rows of {name} cannot be read.") from error
        columns = {column.name for column in known[name].columns}
        if not isinstance(rows, list) or any(
                not isinstance(row, dict) or set(row) != columns for row in rows):
            raise ArchiveRefused(f"The rows of {name} do not fit this version of Ask Twice.")
        tables[name] = rows
    return tables


def _megabytes(size):
    return -(-size // 2**20)


def _shown(value):
    """A manifest's word, fit to print: its printable characters, at most 100."""
    return "".join(c for c in str(value) if c.isprintable())[:100] or "nowhere it names"


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
    return not any(True for _ in attached_files())


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

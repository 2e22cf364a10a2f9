"""Files kept on the home computer under instance/, never in the database: named by
their SHA-256 (content-addressed, so the same bytes twice are stored once), their
type decided by what they start with, written whole or not at all.

Record attachments (services/attachments.py) and recording chunks
(services/recordings.py) both keep their bytes here.
"""

import hashlib
import os
import uuid
from pathlib import Path

from sqlalchemy import exists, select, text

from webapp.errors import NotFound


def files_root():
    """Where the files are kept (ATTACHMENTS_DIR: instance/attachments by default)."""
    from flask import current_app

    return Path(current_app.config["ATTACHMENTS_DIR"])


def sniff(head, signatures):
    """Return the type `head` (a file's first bytes) starts as, among `signatures`, or None.

    `signatures` maps a start (bytes) or a (offset, bytes) pair to a type.
    """
    for start, kind in signatures.items():
        offset, magic = start if isinstance(start, tuple) else (0, start)
        if head[offset:offset + len(magic)] == magic:
            return kind
    return None


def valid_sha(sha256):
    """Return `sha256` if it is 64 lower-case hex digits. Raises NotFound otherwise."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise NotFound()
    return sha256


def digest(data):
    return hashlib.sha256(data).hexdigest()


def stored_path(root, sha256):
    return Path(root) / sha256[:2] / sha256


def keep(root, sha256, data):
    """Write `data` as the file named `sha256`, whole or not at all.

    Written again even when present (the caller holds the name's lock: `hold`).
    The temporary name is unique per call, so concurrent writers never share one.
    """
    target = stored_path(root, sha256)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = target.with_name(f".{sha256}.{uuid.uuid4().hex}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return target


class Joined:
    """Stored files read one after another as if one file, a block at a time: a range
    opens only the files it covers and reads only its bytes, so memory stays the same
    however long the whole is."""

    BLOCK = 64 * 1024

    def __init__(self, root, pieces):
        self.root, self.pieces = root, list(pieces)  # (sha256, size) in order
        self.size = sum(size for _, size in self.pieces)

    def blocks(self, start=0, stop=None):
        """Yield bytes `start` to `stop` (exclusive; the end by default)."""
        stop = self.size if stop is None else min(stop, self.size)
        offset = 0
        for sha256, size in self.pieces:
            first, last = max(start, offset), min(stop, offset + size)
            if first < last:
                yield from self._read(sha256, first - offset, last - first)
            offset += size
            if offset >= stop:
                return

    def _read(self, sha256, at, length):
        with stored_path(self.root, sha256).open("rb") as file:
            file.seek(at)
            while length:
                block = file.read(min(self.BLOCK, length))
                if not block:  # shorter than its row says: fail, never send a short answer
                    raise OSError(f"the stored file {sha256} is shorter than recorded")
                length -= len(block)
                yield block


def move_in(root, sha256, part):
    """Move a checked partial file into the store (or drop it when the bytes are there)."""
    target = stored_path(root, sha256)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if target.exists():
        part.unlink()  # stored already, for this record or another: keep one copy
    else:
        os.replace(part, target)
    return target


def hold(connection, sha256):
    """Hold the lock of the bytes named `sha256` until the transaction ends, so a
    file is never removed between its writing and the commit of the row using it.

    PostgreSQL: an advisory lock on the name. SQLite: its one writer at a time
    (the writer's INSERT holds it until the commit; `forget_unused` begins as a writer).
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:sha, 0))"),
                           {"sha": sha256})


def forget_unused(engine, root, sha256s, *columns):
    """Delete each stored file no committed row refers to any more (by any of `columns`).

    Run after a commit (a session's after_commit hook, which may not use the
    session itself), so on a connection of its own, under each name's lock.
    """
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # waits for a writer's commit
        for sha256 in sorted(set(sha256s)):
            hold(connection, sha256)
            used = any(connection.scalar(select(exists().where(column == sha256)))
                       for column in columns)
            if not used:
                stored_path(root, sha256).unlink(missing_ok=True)
        connection.commit()

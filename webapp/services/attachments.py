"""Photos and files of records, kept on the home computer under instance/, never in the
database: content-addressed (named by SHA-256, so the same file twice is stored once),
type and size checked, uploaded whole or in pieces that resume after a lost connection.

A piece-by-piece upload grows a partial file named after the record and the whole
file's SHA-256; the phone asks how much arrived and sends the rest. Only a complete
file whose bytes match its SHA-256 and its type is moved into the store; anything else
is deleted, so nothing partial is ever kept as an attachment.

When records go, their files go too, but only once the removal is committed (a removal
that fails keeps every file) and only the files no remaining record, and no recording's
chunk, uses (both keep their bytes in one store: services/blobs.py).
"""

import unicodedata
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select

from webapp.errors import Conflict, ValidationFailed
from webapp.extensions import db
from webapp.models import Attachment, RecordingChunk, RecordItem
from webapp.services.blobs import (
    digest,
    files_root,
    forget_unused,
    hold,
    keep,
    move_in,
    sniff,
    stored_path,
    valid_sha,
)
from webapp.services.records import owned_by

# Under the 8 MB any request may carry (MAX_CONTENT_LENGTH), with room for the form around it.
MAX_BYTES = 6 * 1024 * 1024
# What a file starts with decides its type, never the name or the browser's word for it.
SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png",
              b"\xff\xd8\xff": "image/jpeg"}
TOO_BIG = f"This file is over {MAX_BYTES // (1024 * 1024)} MB. Please send a smaller one."
WRONG_TYPE = "Please send a photo (JPEG or PNG) or a PDF."
DAMAGED = "The file arrived damaged. Please send it again."


__all__ = ["stored_path"]  # where the views find a file to send back


def _partial(root, item, sha256):
    return Path(root) / "partial" / f"{item.id}-{valid_sha(sha256)}"


def attached(item, sha256):
    return db.session.scalar(select(Attachment).where(Attachment.item_id == item.id,
                                                      Attachment.sha256 == sha256))


def received(root, item, sha256):
    """How many bytes of the file have arrived (its size once it is attached)."""
    done = attached(item, valid_sha(sha256))
    if done is not None:
        return done.size
    part = _partial(root, item, sha256)
    return part.stat().st_size if part.exists() else 0


def add_whole(root, item, member, data, filename=""):
    """Attach a file sent in one go (the home computer's form).

    Raises:
        ValidationFailed: too big, empty, or not a photo or PDF.
    """
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": [TOO_BIG]})
    kind = sniff(data[:16], SIGNATURES)
    if not data or kind is None:
        raise ValidationFailed({"file": [WRONG_TYPE]})
    sha256 = digest(data)
    hold(db.session.connection(), sha256)  # see blobs.hold
    keep(root, sha256, data)
    return _attach(item, member, sha256, len(data), kind, filename)


def add_piece(root, item, member, sha256, size, offset, piece, filename=""):
    """Add the next piece of a file sent in pieces; return (bytes received, attachment or None).

    Raises:
        Conflict: `offset` is not where the file stands (its `details` say where).
        ValidationFailed: the file is too big, not a photo or PDF, or arrived damaged;
            what had arrived is deleted.
    """
    part = _partial(root, item, sha256)
    if attached(item, sha256) is not None:
        return size, attached(item, sha256)
    if size > MAX_BYTES or size < 1:
        raise ValidationFailed({"file": [TOO_BIG if size > MAX_BYTES else WRONG_TYPE]})
    have = part.stat().st_size if part.exists() else 0
    if offset != have:
        raise Conflict("Send the file on from where it stands.", offset=have)
    if have + len(piece) > size:
        part.unlink(missing_ok=True)
        raise ValidationFailed({"file": [DAMAGED]})
    part.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with part.open("ab") as handle:
        handle.write(piece)
    have += len(piece)
    if have < size:
        return have, None
    return size, _finish(root, item, member, part, sha256, size, filename)


def _finish(root, item, member, part, sha256, size, filename):
    data = part.read_bytes()
    kind = sniff(data[:16], SIGNATURES)
    if digest(data) != sha256 or kind is None:
        part.unlink(missing_ok=True)
        raise ValidationFailed({"file": [DAMAGED if kind else WRONG_TYPE]})
    hold(db.session.connection(), sha256)  # see blobs.hold
    move_in(root, sha256, part)
    return _attach(item, member, sha256, size, kind, filename)


def _plain(filename):
    """The name without what no header or database can carry (control characters,
    lone surrogates): only a suggestion for saving the file, so cleaned, never refused."""
    return "".join(c for c in filename if unicodedata.category(c) not in ("Cc", "Cs"))


def _attach(item, member, sha256, size, kind, filename):
    found = attached(item, sha256)
    if found is not None:
        return found
    attachment = Attachment(item_id=item.id, sha256=sha256, size=size, content_type=kind,
                            filename=_plain(filename)[:200], member_id=member.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def get_attachment(item, attachment_id):
    """Return an attachment of this record. Raises NotFound otherwise."""
    return owned_by(Attachment, "item_id", item.id, attachment_id)


# session.info key: what removals in the open transaction may have left unused.
UNUSED = "attachments.maybe_unused"


def delete_unused_after_commit(item_ids, sha256s):
    """Once this transaction commits, delete these files where no record or recording
    uses them any more, and the partial uploads of these records where they are gone
    (a recording's delete names no records)."""
    items, files = db.session.info.setdefault(UNUSED, (set(), set()))
    items.update(item_ids)
    files.update(sha256s)


def delete_unused(root, item_ids, sha256s):
    """Delete the files and partial uploads that committed rows no longer need.

    It reads on connections of its own, so only what is committed counts: a row
    removed in a transaction still open keeps its file (blobs.forget_unused).
    """
    forget_unused(db.engine, root, sha256s, Attachment.sha256, RecordingChunk.sha256)
    with db.engine.connect() as connection:
        alive = set(connection.scalars(select(RecordItem.id)
                                       .where(RecordItem.id.in_(item_ids))))
    for item_id in set(item_ids) - alive:
        for part in (Path(root) / "partial").glob(f"{int(item_id)}-*"):
            part.unlink(missing_ok=True)


def _after_commit(session):
    if session.get_nested_transaction() is not None:
        return  # a savepoint: the transaction around it may still roll back
    plan = session.info.pop(UNUSED, None)
    if plan is None:
        return
    try:
        delete_unused(files_root(), *plan)
    except OSError:  # the removal stands; an unused file left behind harms no one
        current_app.logger.exception("could not delete the files of removed records")


def _after_rollback(session):
    if session.get_nested_transaction() is None:
        session.info.pop(UNUSED, None)  # the rows are back, and so is their need of the files


def init_app(app):
    """Delete the files of removed records after each commit (once per process)."""
    for name, listener in (("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)

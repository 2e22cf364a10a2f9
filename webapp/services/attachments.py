"""Photos and files of records, kept on the home computer under instance/, never in the
database: content-addressed (named by SHA-256, so the same file twice is stored once),
type and size checked, uploaded whole or in pieces that resume after a lost connection.

A piece-by-piece upload grows a partial file named after the record and the whole
file's SHA-256; the phone asks how much arrived and sends the rest. One left a day
without a new piece is deleted when the next upload starts (services/storage.py). Only a complete
file whose bytes match its SHA-256 and its type is moved into the store; anything else
is deleted, so nothing partial is ever kept as an attachment.

When records go, their files go too, but only once the removal is committed (a removal
that fails keeps every file) and only the files no remaining record, and no recording's
chunk, uses (both keep their bytes in one store: services/blobs.py).
"""

import unicodedata

from flask import current_app
from sqlalchemy import event, select

from webapp.errors import Conflict, ValidationFailed
from webapp.extensions import db
from webapp.models import Attachment, Case, RecordingChunk, RecordItem
from webapp.services import storage
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
    return storage.partial_path(root, item.id, sha256)


def _make_room(root, item, size):
    """Check the household may keep `size` more bytes, once the uploads left unfinished
    for a day are gone (this is when one starts).

    Raises:
        NoRoom: the household's share is used up. A phone keeps the photo and sends it
            again later (the space may be freed at home): not a fault of the file.
    """
    storage.expire_partials(root)
    storage.make_room(db.session.get(Case, item.case_id).household_id, size)


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
        ValidationFailed: too big, empty, not a photo or PDF, or no room left.
    """
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": [TOO_BIG]})
    kind = sniff(data[:16], SIGNATURES)
    if not data or kind is None:
        raise ValidationFailed({"file": [WRONG_TYPE]})
    try:
        _make_room(root, item, len(data))
    except storage.NoRoom as full:  # the form says it beside its field
        raise ValidationFailed({"file": [full.message]}) from None
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
        NoRoom: the household has no room left for it, for now (services/storage.py).
    """
    part = _partial(root, item, sha256)
    if attached(item, sha256) is not None:
        return size, attached(item, sha256)
    if size > MAX_BYTES or size < 1:
        raise ValidationFailed({"file": [TOO_BIG if size > MAX_BYTES else WRONG_TYPE]})
    have = part.stat().st_size if part.exists() else 0
    if offset != have:
        raise Conflict("Send the file on from where it stands.", offset=have)
    if have == 0:
        _make_room(root, item, size)
    if have + len(piece) > size:
        part.unlink(missing_ok=True)
        raise ValidationFailed({"file": [DAMAGED]})
    part.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with part.open("ab") as handle:
        handle.write(piece)
    storage.stamp_partial(part)
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


# The extensions each type is saved with; the first is added when the name has none of them.
EXTENSIONS = {"application/pdf": (".pdf",), "image/png": (".png",),
              "image/jpeg": (".jpg", ".jpeg")}
ANY_EXTENSION = {extension for known in EXTENSIONS.values() for extension in known}
NAME_LENGTH = 200


def file_name(sent, kind):
    """Return the name to save a file of type `kind` under, made from the one it was sent with.

    Only a suggestion, so cleaned, never refused: what no header or database can carry
    goes (control characters, lone surrogates), and so does every format character
    (category Cf), such as U+202E, which shows "invoice\u202egnp.exe" as "invoiceexe.png".
    The name ends with an extension of its real type, so it opens as what it is.
    """
    name = "".join(c for c in sent if not unicodedata.category(c).startswith("C")).strip()
    if not name:
        return ""
    extensions = EXTENSIONS[kind]
    stem, dot, given = name.rpartition(".")
    if dot and f".{given.lower()}" in extensions:
        extension = f".{given}"
    elif dot and f".{given.lower()}" in ANY_EXTENSION:  # named as another of our types
        extension = extensions[0]
    else:
        stem, extension = name, extensions[0]
    return stem[:NAME_LENGTH - len(extension)] + extension


def _attach(item, member, sha256, size, kind, filename):
    found = attached(item, sha256)
    if found is not None:
        return found
    attachment = Attachment(item_id=item.id, sha256=sha256, size=size, content_type=kind,
                            filename=file_name(filename, kind), member_id=member.id)
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
        for part in storage.partials_of(root, item_id):
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

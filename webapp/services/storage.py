"""What a household keeps on the home computer, within bounds no honest use reaches.

- A recording: four hours at twice the bitrate the phone asks for (some browsers
  go above it), about 220 MB. The phone stops itself at four hours.
- A household: HOUSEHOLD_STORAGE_MB (ASK_TWICE_HOUSEHOLD_STORAGE_MB, 20 GB by
  default), counting recordings, record attachments and uploads under way.
- A photo upload left unfinished: deleted a day after its last piece.

A refusal keeps nothing and says why; the phone keeps what it had. The counts are
checked before each write and not under a lock, so two uploads at the same moment
may go past a bound by one part each: a bound against runaway use, not an exact tally.
"""

import os
import shutil
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.models import Attachment, Case, Household, Recording, RecordingChunk, RecordItem, Visit
from webapp.models._types import utcnow
from webapp.services.blobs import files_root, valid_sha

RECORDER_BITS_PER_SECOND = 64_000  # what static/js/behaviours/recorder.js asks for
MAX_RECORDING_HOURS = 4
MAX_RECORDING_BYTES = MAX_RECORDING_HOURS * 3600 * 2 * RECORDER_BITS_PER_SECOND // 8
PARTIAL_LIFETIME = timedelta(days=1)
MB = 1024 * 1024
NO_ROOM = ("The space for Ask Twice on your computer is full. Delete a recording or a file "
           "there, or ask whoever runs it for more room.")
TOO_LONG = (f"Your computer keeps recordings of up to {MAX_RECORDING_HOURS} hours. "
            "This one is longer, so the rest was not sent.")


class NoRoom(DomainError):
    status = 507
    code = "no_room"


def share():
    """Return how many bytes each household may keep (HOUSEHOLD_STORAGE_MB)."""
    return int(current_app.config["HOUSEHOLD_STORAGE_MB"] * MB)


def partial_path(root, item_id, sha256):
    """Where the upload under way of a record's file grows (services/attachments.py)."""
    return Path(root) / "partial" / f"{int(item_id)}-{valid_sha(sha256)}"


def partials_of(root, item_id):
    """Return the uploads under way of one record."""
    return list((Path(root) / "partial").glob(f"{int(item_id)}-*"))


def stamp_partial(part, now=None):
    """Mark when an upload under way got its last piece, on the app's clock (the one
    expire_partials reads), not the file system's: the two may disagree."""
    moment = (now or utcnow()).timestamp()
    os.utime(part, (moment, moment))


def expire_partials(root, now=None):
    """Delete the uploads under way that got no piece for a day (PARTIAL_LIFETIME)."""
    cutoff = ((now or utcnow()) - PARTIAL_LIFETIME).timestamp()
    for part in (Path(root) / "partial").glob("*"):
        try:
            if part.stat().st_mtime < cutoff:
                part.unlink()
        except FileNotFoundError:
            pass  # finished or deleted meanwhile


def used(household_id, root=None):
    """Return the bytes a household keeps: recordings, attachments and uploads under way."""
    sound = db.session.scalar(
        select(func.coalesce(func.sum(RecordingChunk.size), 0))
        .join(Recording, RecordingChunk.recording_id == Recording.id)
        .join(Visit, Recording.visit_id == Visit.id).where(Visit.household_id == household_id))
    items = select(RecordItem.id).join(Case, RecordItem.case_id == Case.id) \
        .where(Case.household_id == household_id)
    files = db.session.scalar(select(func.coalesce(func.sum(Attachment.size), 0))
                              .where(Attachment.item_id.in_(items)))
    mine = {str(item_id) for item_id in db.session.scalars(items)}
    under_way = sum(_size(part) for part in (Path(root or files_root()) / "partial").glob("*")
                    if part.name.split("-")[0] in mine)
    return sound + files + under_way


def _size(path):
    try:
        return path.stat().st_size
    except FileNotFoundError:  # finished or deleted meanwhile
        return 0


def make_room(household_id, adding):
    """Check a household may keep `adding` more bytes. Raises NoRoom otherwise."""
    if used(household_id) + adding > share():
        raise NoRoom(NO_ROOM)


def check_recording(stored, adding):
    """Check a recording of `stored` bytes may take `adding` more. Raises NoRoom otherwise."""
    if stored + adding > MAX_RECORDING_BYTES:
        raise NoRoom(TOO_LONG)


class Report(NamedTuple):
    folder: Path
    free: int  # bytes free on the folder's disk
    share: int  # bytes each household may keep
    households: list  # (name, bytes used)
    warnings: list


def report():
    """Return what the households keep against their share and the disk's free space."""
    folder = files_root()
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    free = shutil.disk_usage(existing).free
    households = [(name, used(household_id, folder)) for household_id, name in
                  db.session.execute(select(Household.id, Household.name).order_by(Household.id))]
    warnings = [f"{name} has used {size(bytes_)} of its {size(share())}."
                for name, bytes_ in households if bytes_ > 0.9 * share()]
    room = sum(max(0, share() - bytes_) for _, bytes_ in households)
    if free < room:
        warnings.append(f"This disk has less free space ({size(free)}) than the households "
                        f"may still use ({size(room)}): set ASK_TWICE_HOUSEHOLD_STORAGE_MB "
                        "lower, or free space on the disk.")
    return Report(folder, free, share(), households, warnings)


def size(bytes_):
    """Say a size in MB or GB, one decimal."""
    return f"{bytes_ / MB:.1f} MB" if bytes_ < 1024 * MB else f"{bytes_ / (1024 * MB):.1f} GB"

"""Sync: phones push named mutations and pull what changed (Replicache-style).

docs/sync-protocol.md is the contract. In short: a device's mutations carry
consecutive sequence numbers; the server applies each in its own
transaction together with the device's `last_applied_seq`, so every
(device, seq) takes effect exactly once whatever the network does. A
mutation that can never apply is stored as a rejection and still advances
the ledger; a passing fault rolls back that mutation and answers 503 with
the seq of the last one committed (earlier mutations of the batch stay).
Mutations go through the same services as the HTML views.
"""

import os
import uuid
from contextlib import contextmanager

from flask import current_app, request
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError

from webapp.errors import DomainError
from webapp.extensions import db
from webapp.models import Change, Device, Rejection, Visit
from webapp.models._types import MAX_INT
from webapp.schemas import load
from webapp.schemas.sync import MutationSchema
from webapp.services import access, changes
from webapp.wire.entities import ENTITIES
from webapp.wire.ops import OPS


class Transient(Exception):
    """A fault worth retrying: this mutation was not applied and did not advance the seq."""


class _Batch:
    """One push's device and member, and the visits its mutations touched.

    Held here (the session holds rows only weakly) and kept loaded across the
    batch's commits, a visit's ownership check costs no query after the first.
    """

    def __init__(self, device):
        self.device = device
        self.member = device.member
        self._visits = {}

    def visit(self, visit_id):
        """Return the visit if this device's person may write to it. Raises NotFound otherwise."""
        visit = access.visible_visit(self.member, visit_id)
        self._visits[visit.id] = visit
        return visit


class GapError(Exception):
    """A mutation came before the one the server expects next."""

    def __init__(self, expected):
        super().__init__(expected)
        self.expected = expected


def push(device, mutations):
    """Apply `mutations` in seq order; return the device's `last_applied_seq`.

    Raises:
        GapError: at the first seq beyond the next expected one (nothing after it runs).
        Transient: on a passing database fault (that mutation rolled back).
    """
    batch = _Batch(device)
    with _kept_loaded_across_commits(), _transient_faults():
        for raw in sorted(mutations, key=lambda raw: raw["seq"]):
            _push_one(batch, raw)
    return last_applied(device.id)


def last_applied(device_id):
    """Return the device's `last_applied_seq` as committed (the loaded device's may be stale)."""
    return db.session.scalar(_LAST_APPLIED, {"device_id": device_id})


@contextmanager
def _kept_loaded_across_commits():
    """Keep the device, its member and the visits loaded between the batch's commits.

    What is used of them never changes (ids, owners). The ledger is never read
    from the loaded device, and a question's "asked" clock is refreshed before use.
    """
    session = db.session()
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = True


# Faults that pass: the same mutation may well apply on the next try.
PASSING_FAULTS = (OperationalError, InterfaceError)
# Faults of the data itself: the same mutation would fail the same way forever.
# The schemas refuse all that is known of these first; this is the net below them.
DATA_FAULTS = (IntegrityError, DataError, UnicodeEncodeError, OverflowError)


@contextmanager
def _transient_faults():
    """5. A passing database fault (connection lost, lock timeout, serialization
    failure): roll back that mutation (earlier ones stay committed)."""
    try:
        yield
    except DBAPIError as error:
        db.session.rollback()
        if isinstance(error, PASSING_FAULTS) or error.connection_invalidated:
            raise Transient() from error
        raise


_DEVICE = Device.__table__
# The ledger steps, built once: they run for every mutation.
_ADVANCE = (
    update(_DEVICE)
    .where(_DEVICE.c.id == bindparam("device_id"),
           _DEVICE.c.last_applied_seq == bindparam("seq") - 1)
    .values(last_applied_seq=bindparam("seq"))
)
_LAST_APPLIED = select(_DEVICE.c.last_applied_seq).where(_DEVICE.c.id == bindparam("device_id"))


def _advance(device_id, seq):
    """Set the ledger to `seq` if `seq` is the next one; say whether it was.

    The UPDATE takes the device's row lock first, so concurrent pushes of one
    device queue here (on PostgreSQL; SQLite has one writer at a time anyway).
    """
    advanced = db.session.connection().execute(_ADVANCE, {"device_id": device_id, "seq": seq})
    return advanced.rowcount == 1


def _push_one(batch, raw):
    seq = raw["seq"]  # an int (PushSchema checked), but maybe beyond what a column holds
    # 3. The next seq: the ledger moves to it and the mutation is applied, in
    #    one transaction. Trying the move is the check: one statement, which
    #    also takes the device's lock before anything is read.
    if 1 <= seq <= MAX_INT and _advance(batch.device.id, seq):
        _apply(batch, seq, raw)
        return
    last = last_applied(batch.device.id)
    db.session.rollback()
    # 1. Already applied (a retry, or a race with another push): skip.
    if seq <= last:
        return
    # 2. A gap: the phone must resend from the expected seq.
    raise GapError(last + 1)


def _apply(batch, seq, raw):
    """Run the mutation in the transaction `_advance` opened, and commit both."""
    try:
        mutation = load(MutationSchema, raw)
        if mutation["op"] not in OPS:
            raise DomainError(UNKNOWN_OP)
        op = OPS[mutation["op"]]
        data = load(op.schema, {**mutation["data"], "id": str(mutation["id"])})
        _test_fault("transient")
        op.apply(batch.visit, batch.member, batch.device, mutation, data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        _reject(batch.device.id, seq, raw, error)
    except DATA_FAULTS:
        db.session.rollback()
        _reject(batch.device.id, seq, raw, DomainError(DOES_NOT_FIT))
    _test_fault("exit-after-commit")


# What the family reads under an item that was not saved: plain words, ours.
UNKNOWN_OP = "This phone's copy of Ask Twice is out of step with your computer. Update both."
DOES_NOT_FIT = "This could not be stored as it was sent. Please type it again."


def _reject(device_id, seq, raw, error):
    """4. A permanent failure: keep it, report it, and move past it.

    What is kept of the mutation itself is made storable first: it may be the
    very text (a NUL, a lone surrogate) that could not be stored.
    """
    if not _advance(device_id, seq):  # another push got here first
        db.session.rollback()
        return
    # The phone shows the message: the first field's own words say most.
    message = next((m for messages in error.errors.values() for m in messages), error.message)
    db.session.add(Rejection(device_id=device_id, seq=seq, op=_storable(raw.get("op"), 40),
                             entity_id=_storable(raw.get("id"), 64), code=error.code,
                             message=_storable(message), errors=_storable_errors(error.errors)))
    db.session.commit()


def _storable(value, limit=None):
    """`value` as text both databases store: no NUL, lone surrogates replaced."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    text = text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    return text[:limit] if limit else text


def _storable_errors(errors):
    return {_storable(field, 64): [_storable(m) for m in messages]
            for field, messages in errors.items()}


def rejections_for(device_id, seqs):
    """Return the stored rejections of these seqs, so a resend hears of them again."""
    if not seqs:
        return []
    return db.session.scalars(
        select(Rejection).where(Rejection.device_id == device_id, Rejection.seq.in_(seqs))
        .order_by(Rejection.seq)
    ).all()


def _test_fault(name):
    """Simulate a fault, only in an app started with TEST_HOOKS (never in production)."""
    if not current_app.config.get("TEST_HOOKS") or request.headers.get("X-Test-Fault") != name:
        return
    if name == "transient":
        raise OperationalError("simulated", {}, Exception("simulated transient fault"))
    os._exit(17)  # the server dies after commit, before answering


def pull(household_id, cursor, case_id=None):
    """Return the changes after `cursor` (ASCII digits, or None), or everything with
    `reset` for none or one beyond the household's version.

    `case_id` limits them to one case's visits (a companion's phone).
    """
    version = changes.current_version(household_id)
    since = int(cursor) if cursor else None
    if since is None or since > version:
        return _reset(household_id, version, case_id)
    logged = (select(Change)
              .where(Change.household_id == household_id, Change.version > since,
                     Change.version <= version)
              .order_by(Change.version))
    if case_id is not None:
        logged = logged.where(or_(Change.case_id == case_id, Change.case_id.is_(None)))
    # The case each changed row was logged in, by (entity, id).
    latest = {(row.entity, row.entity_id): row.case_id for row in db.session.scalars(logged)}
    stored = _stored_rows(household_id, latest)
    sent = []
    for (entity, entity_id), logged_case in latest.items():
        row, case = stored.get((entity, entity_id), (None, logged_case))
        if case_id is not None and case != case_id:  # not theirs to know of, even deleted
            if case is None:  # deleted before changes kept their case: which case is unknown
                return _reset(household_id, version, case_id)
            continue
        # The row's state decides, not the log: a tombstone stays one on the wire.
        gone = row is None or ENTITIES[entity].is_gone(row)
        sent.append(_change(entity, None if gone else row, entity_id))
    return {"reset": False, "cursor": str(version), "changes": sent}


def _reset(household_id, version, case_id):
    return {"reset": True, "cursor": str(version),
            "changes": _snapshot(household_id, case_id)}


def _stored_rows(household_id, keys):
    """Load the rows named by (entity, id) keys, each with its case: one query per entity."""
    ids = {}
    for entity, entity_id in keys:
        ids.setdefault(entity, []).append(uuid.UUID(entity_id))
    return {(entity, str(row.id)): (row, case)
            for entity, wanted in ids.items()
            for row, case in db.session.execute(_select(entity, household_id, with_case=True)
                                                .where(ENTITIES[entity].model.id.in_(wanted)))}


def _select(entity, household_id, case_id=None, with_case=False):
    """Select an household's rows of an entity (of one case), joined to their visit
    (`with_case`: each with its visit's case)."""
    model = ENTITIES[entity].model
    query = select(model, *([Visit.case_id] if with_case else [])).select_from(model)
    for step in (*ENTITIES[entity].via, Visit):
        query = query.join(step)
    query = query.where(Visit.household_id == household_id).options(*ENTITIES[entity].load)
    if case_id is not None:
        query = query.where(Visit.case_id == case_id)
    return query


def _change(entity, row, entity_id):
    if row is None:  # 5. deleted (a tombstone, or gone since): the phone drops its copy
        return {"entity": entity, "id": entity_id, "deleted": True}
    return {"entity": entity, "id": entity_id, "deleted": False,
            "data": ENTITIES[entity].dump(row)}


def _snapshot(household_id, case_id=None):
    """Every entity of the household (or of one case), for a phone starting over."""
    changes_ = []
    for entity in ENTITIES.values():
        query = _select(entity.name, household_id, case_id)
        if entity.gone is not None:
            query = query.where(~entity.gone)  # tombstones are not sent anew
        for row in db.session.scalars(query):
            changes_.append(_change(entity.name, row, str(row.id)))
    return changes_

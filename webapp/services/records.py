"""Lookups shared by the services: household scoping and write-once inserts."""

import hashlib
import os
import time
import uuid
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from webapp.errors import Conflict, NotFound
from webapp.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def owned(model, household_id, row_id):
    """Return the `model` row `row_id` if it belongs to the household.

    Raises:
        NotFound: when there is no such row or another household owns it;
            the two look the same from outside.
    """
    row = db.session.get(model, row_id)
    if row is None or row.household_id != household_id:
        raise NotFound()
    return row


def owned_by(model, parent_key, parent_id, row_id, message=None):
    """Return the `model` row `row_id` if its `parent_key` is `parent_id` (a child's
    medicine, a case's specialist, a visit's question or note).

    Raises:
        NotFound: when there is no such row or it belongs to another parent
            (with `message`, the family's words for it, when given).
    """
    row = db.session.get(model, row_id)
    if row is None or getattr(row, parent_key) != parent_id:
        raise NotFound(message) if message else NotFound()
    return row


def assign(row, fields):
    """Set the row's fields from loaded input and flush; return the row."""
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.flush()
    return row


def insert_once(model, **values):
    """Insert a row keyed by a client-made id unless that id is stored already.

    The database's primary key decides, not a look-up first, so two
    deliveries racing each other still store one row. Returns the stored
    row's values (a read-only Core row, whose columns read like the model's
    attributes) and whether this call created it.
    """
    return insert_unique(model, ("id",), **values)


def insert_unique(model, key, **values):
    """Insert a row unless one with the same values of the `key` columns (a unique key)
    is stored already; return the stored row's values and whether this call created it.

    The same INSERT … ON CONFLICT DO NOTHING as `insert_once`: on PostgreSQL a
    concurrent insert of the same key waits for the other's commit, then finds its row.
    """
    connection = db.session.connection()
    inserted, stored = _insert_once_statements(model, tuple(key), connection.dialect.name)
    row = connection.execute(inserted, values).first()
    if row is not None:
        return row, True
    return connection.execute(stored, {name: values[name] for name in key}).one(), False


def insert_once_under(model, parent_key, parent_id, **values):
    """`insert_once` for a row that belongs to a parent row.

    Raises:
        Conflict: when the id is already used under another parent.
    """
    row, created = insert_once(model, **{parent_key: parent_id}, **values)
    if getattr(row, parent_key) != parent_id:
        raise Conflict("That id is already used for something else.")
    return row, created


def insert_unless_taken(model, **values):
    """Insert a row unless it would break one of the table's unique keys (any of them,
    partial indexes too); tell whether it was inserted. The database decides, so two
    requests racing each other still store one row."""
    connection = db.session.connection()
    table = model.__table__
    statement = (_INSERTS[connection.dialect.name](table).on_conflict_do_nothing()
                 .returning(*table.primary_key))
    return connection.execute(statement, values).first() is not None


@cache
def _insert_once_statements(model, key, dialect):
    """Build, once per model and key, the INSERT … ON CONFLICT DO NOTHING and the look-up after it.

    Core statements, run on the session's connection: they run for every
    write a phone syncs, and the ORM's objects and bookkeeping would double
    their cost (the parent ids they refer to are flushed already). RETURNING,
    not rowcount (psycopg reports -1 here); the new row comes back whole.
    """
    table = model.__table__
    inserted = _INSERTS[dialect](table).on_conflict_do_nothing().returning(*table.c)
    stored = select(table).where(*(table.c[name] == bindparam(name) for name in key))
    return inserted, stored


def digest(secret):
    """Hash a random secret (a token, a key, a code) for keeping: SHA-256, hex.

    The secrets are long and random (or single-use and short-lived), so a fast
    hash is enough; a passphrase takes argon2 instead (services/accounts.py).
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def uuid7():
    """Make a time-ordered UUID (version 7, RFC 9562) for rows the server creates."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10)) & (1 << 80) - 1
    value = value & ~(0xF << 76) | 0x7 << 76  # version
    value = value & ~(0x3 << 62) | 0x2 << 62  # variant
    return uuid.UUID(int=value)

"""Lookups shared by the services: household scoping and write-once inserts."""

import os
import time
import uuid

from sqlalchemy.dialects import postgresql, sqlite

from webapp.errors import NotFound
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


def insert_once(model, **values):
    """Insert a row keyed by a client-made id unless that id is stored already.

    The database's primary key decides, not a look-up first, so two
    deliveries racing each other still store one row. Returns the stored row
    and whether this call created it.
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    # RETURNING, not rowcount (psycopg reports -1 here); the new row comes back whole.
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(model)
    row = db.session.scalars(statement).first()
    if row is not None:
        return row, True
    return db.session.get(model, values["id"], populate_existing=True), False


def uuid7():
    """Make a time-ordered UUID (version 7, RFC 9562) for rows the server creates."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10)) & (1 << 80) - 1
    value = value & ~(0xF << 76) | 0x7 << 76  # version
    value = value & ~(0x3 << 62) | 0x2 << 62  # variant
    return uuid.UUID(int=value)

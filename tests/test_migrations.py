"""The Alembic migrations build exactly the schema the models describe, and undo it."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from webapp import create_app
from webapp.extensions import db
from webapp.wire.entities import ENTITIES

# On PostgreSQL the database is shared: these tests build the schema themselves.
pytestmark = pytest.mark.usefixtures("schema_of_its_own")


def test_upgrade_from_empty_matches_the_models_and_downgrade_empties(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test only", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"render_as_batch": True})
            differences = compare_metadata(context, db.metadata)
        downgrade(revision="base")
        left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert differences == []
    assert left == set()


def test_the_change_log_moves_to_wire_names_and_back(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'names.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test only", "SQLALCHEMY_DATABASE_URI": url})
    logged = ["visit_question", "answer", "note", "consent_event"]
    with app.app_context():
        upgrade(revision="4d8b2e6f0a13")  # the last revision that logged table names
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO household (id, name, version, created_at) "
                                    "VALUES (1, 'The Okafors', 4, CURRENT_TIMESTAMP)"))
            for version, name in enumerate(logged, 1):
                connection.execute(text(
                    "INSERT INTO change (household_id, version, entity, entity_id, deleted) "
                    "VALUES (1, :version, :name, 'x', false)"), {"version": version, "name": name})
        names = lambda: db.session.execute(  # noqa: E731
            text("SELECT entity FROM change ORDER BY version")).scalars().all()
        upgrade()
        upgraded = names()
        db.session.remove()
        downgrade(revision="4d8b2e6f0a13")
        downgraded = names()
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM change"))
            connection.execute(text("DELETE FROM household"))
        downgrade(revision="base")
        db.engine.dispose()
    assert upgraded == ["question", "answer", "note", "consent"]
    assert set(upgraded) <= set(ENTITIES)
    assert downgraded == logged


def test_attachment_names_kept_before_lose_format_characters(tmp_path):
    """Names kept before issue 18 are cleaned as new ones are (attachments.file_name)."""
    from datetime import date
    from types import SimpleNamespace

    from webapp.models import Attachment, Member
    from webapp.services import case_records, cases

    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'names.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test only", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="e7a2c4f9b1d3")  # the last revision before names were cleaned
        # The household and the case as that revision's tables have them (the models have
        # columns added since).
        db.session.execute(text("INSERT INTO household (id, name, version, created_at) "
                                "VALUES (1, 'Sam''s family', 0, CURRENT_TIMESTAMP)"))
        owner = Member(household_id=1, name="Sam", passphrase_hash="not used here")
        db.session.add(owner)
        child = cases.add_child(owner.household_id, name="Ada", birth_date=date(2016, 4, 2))
        db.session.execute(text(
            "INSERT INTO \"case\" (id, household_id, child_id, diagnosis, proposed_treatment, "
            "reasons, reasons_other, safe_to_wait, safe_to_wait_note, status, created_at) "
            "VALUES (1, :household, :child, 'ALL', 'Chemo', '[]', '', 'yes', '', 'open', "
            "CURRENT_TIMESTAMP)"), {"household": owner.household_id, "child": child.id})
        item = case_records.add_item(SimpleNamespace(id=1), owner, "Scans")
        db.session.add_all([Attachment(item_id=item.id, sha256=c * 64, size=1, content_type=kind,
                                       filename=name, member_id=owner.id)
                            for c, kind, name in [("a", "image/png", "invoice\u202egnp.exe"),
                                                  ("b", "application/pdf", "letter.pdf")]])
        db.session.commit()
        upgrade()
        names = db.session.scalars(text("SELECT filename FROM attachment ORDER BY sha256")).all()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        downgrade(revision="base")
        db.engine.dispose()
    assert names == ["invoicegnp.exe.png", "letter.pdf"]

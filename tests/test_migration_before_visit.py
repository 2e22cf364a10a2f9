"""Migration 0010: a child's free-text medicines and allergies become list items, and back."""

import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from webapp import create_app
from webapp.extensions import db

BEFORE = "b7e1c0d2a8f5"

# On PostgreSQL the database is shared: these tests build the schema themselves.
pytestmark = pytest.mark.usefixtures("schema_of_its_own")


def test_text_lines_become_items_and_join_back(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'lists.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test only", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO household (id, name, version, created_at) "
                                    "VALUES (1, 'The Okafors', 0, CURRENT_TIMESTAMP)"))
            connection.execute(text(
                "INSERT INTO child (id, household_id, name, birth_date, conditions, medicines, "
                "allergies, created_at) VALUES (1, 1, 'Ada', CURRENT_DATE, '', "
                "'Ibuprofen 200 mg\n\n  Vitamin D  ', 'Penicillin', CURRENT_TIMESTAMP)"))
            # A case refers to the child: the migration must not copy and drop `child`.
            connection.execute(text(
                'INSERT INTO "case" (id, household_id, child_id, diagnosis, proposed_treatment, '
                "reasons, reasons_other, safe_to_wait, safe_to_wait_note, status, created_at) "
                "VALUES (1, 1, 1, 'x', '', '[]', '', 'yes', '', 'open', CURRENT_TIMESTAMP)"))
        upgrade()
        items = db.session.execute(text(
            "SELECT kind, name FROM child_list_item ORDER BY id")).all()
        db.session.remove()
        downgrade(revision=BEFORE)
        back = db.session.execute(text("SELECT medicines, allergies FROM child")).one()
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(text('DELETE FROM "case"'))
            connection.execute(text("DELETE FROM child"))
            connection.execute(text("DELETE FROM household"))
        downgrade(revision="base")
        db.engine.dispose()
    assert [tuple(item) for item in items] == [
        ("medicine", "Ibuprofen 200 mg"), ("medicine", "Vitamin D"), ("allergy", "Penicillin")]
    assert tuple(back) == ("Ibuprofen 200 mg\nVitamin D", "Penicillin")

"""Rows for a browser test to start from, made by the app's own services.

Not a test module: e2e/conftest.py's `seed` fixture hands a `Seed` to tests.
The services run in this process, on the live server's own database file, so
a test starts from a state built the way the app builds it, without walking
through the screens an earlier test already covers.
"""

import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from phones import OWNER, PASSPHRASE, Visit
from sqlalchemy import select

from tests.days import years_ago
from webapp import create_app
from webapp.extensions import db
from webapp.models import Member
from webapp.services import accounts, cases, library, visits


@dataclass
class Case:
    id: int
    child_id: int
    child: str

    @property
    def path(self):
        return f"/cases/{self.id}"

    @property
    def child_path(self):
        return f"/children/{self.child_id}"


class Seed:
    """The app's services, in this process, on one live server's database."""

    def __init__(self, server):
        self.app = create_app({
            "SQLALCHEMY_DATABASE_URI": server.env["DATABASE_URL"],
            "SECRET_KEY": server.env["ASK_TWICE_SECRET_KEY"],
            "ATTACHMENTS_DIR": server.env["ASK_TWICE_ATTACHMENTS_DIR"],
        })

    def close(self):
        with self.app.app_context():
            db.engine.dispose()

    def wipe(self):
        """Empty every table and the attachments folder: the next test starts from no
        household, as on a new computer. (Kept across a worker's tests, the shared
        household grew to forty visits a phone kept ready on each sign-in.)"""
        with self.app.app_context(), db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        attachments = Path(self.app.config["ATTACHMENTS_DIR"])
        if attachments.exists():
            shutil.rmtree(attachments)

    @contextmanager
    def services(self):
        """Yield the household's owner (made on first use) in an app context; commit at the end.

        Call any service inside: `with seed.services() as owner: cases.add_child(...)`.
        Rows loaded inside are gone after it ends: keep their ids, not the rows.
        """
        with self.app.app_context():
            owner = db.session.scalar(select(Member).where(Member.name == OWNER))
            if owner is None:
                owner = accounts.create_household(OWNER, PASSPHRASE, PASSPHRASE)
            try:
                yield owner
                db.session.commit()
            finally:
                db.session.remove()

    def household(self):
        """Make sure the household exists (first-run set-up done); return the owner's name."""
        with self.services():
            return OWNER

    def child(self, name, birth_date=None, medicines="", allergies="",
              **fields):
        """A child of the household; return its id. `medicines`/`allergies`: one per line."""
        with self.services() as owner:
            return cases.add_child(owner.household_id, name=name,
                                   birth_date=birth_date or years_ago(10, 5, 14),
                                   medicines=medicines, allergies=allergies, **fields).id

    def case(self, child_id, diagnosis, reasons=(), safe_to_wait="yes", **fields):
        """A case (the health question) for the child; return a Case."""
        with self.services() as owner:
            child = cases.get_child(owner.household_id, child_id)
            case = cases.add_case(child, diagnosis=diagnosis, reasons=list(reasons),
                                  safe_to_wait=safe_to_wait, **fields)
            return Case(case.id, child.id, child.name)

    def clinician(self, name, **fields):
        """A clinician of the household; return its id."""
        with self.services() as owner:
            return cases.add_clinician(owner.household_id, name=name, **fields).id

    def visit(self, case, clinician, day=None, start_time=time(10, 30), place="Clinic 3",
              questions=(), category="practical"):
        """A visit of `case` with the clinician named `clinician` (made here), in a
        fortnight by default, with `questions` in this order: a text the library
        has comes from it, any other is the family's own (in `category`). Return a Visit."""
        keys = {question["text"]: key for key, question in library.questions_by_key().items()}
        clinician_id = self.clinician(clinician)
        with self.services() as owner:
            visit = visits.add_visit(cases.get_case(owner.household_id, case.id), clinician_id,
                                     day or date.today() + timedelta(days=14), start_time, place)
            for text in questions:
                if text in keys:
                    visits.add_from_library(visit, [keys[text]])
                else:
                    visits.add_own_question(visit, text, category)
            return Visit(visit.id, clinician, case.child)

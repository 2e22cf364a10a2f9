import pytest

from webapp.extensions import db
from webapp.models import Member


@pytest.fixture
def rosa(visit):
    """A companion invited to the visit's case."""
    member = Member(household_id=visit.household_id, name="Rosa", role="companion",
                    case_id=visit.case_id, passphrase_hash="x")
    db.session.add(member)
    db.session.commit()
    return member

import pytest

from tests.conftest import PASSPHRASE
from webapp.errors import Conflict, ValidationFailed
from webapp.models import Member
from webapp.services import accounts


def test_first_run_creates_household_and_owner_with_hashed_passphrase(app):
    assert not accounts.household_exists()
    owner = accounts.create_household("Sam", PASSPHRASE, PASSPHRASE)
    assert accounts.household_exists()
    assert owner.role == "owner"
    assert owner.household.name == "Sam's family"
    assert owner.passphrase_hash.startswith("$argon2id$")
    assert PASSPHRASE not in owner.passphrase_hash


def test_second_set_up_is_refused(owner):
    with pytest.raises(Conflict):
        accounts.create_household("Mallory", PASSPHRASE, PASSPHRASE)
    assert Member.query.count() == 1


def test_passphrases_must_match(app):
    with pytest.raises(ValidationFailed) as error:
        accounts.create_household("Sam", PASSPHRASE, PASSPHRASE + "x")
    assert "passphrase_again" in error.value.errors
    assert not accounts.household_exists()


def test_authenticate_accepts_the_right_passphrase_any_name_case(owner):
    assert accounts.authenticate("sam", PASSPHRASE).id == owner.id


@pytest.mark.parametrize("name, passphrase", [("Sam", "wrong passphrase"), ("Nobody", PASSPHRASE)])
def test_authenticate_refuses_with_one_message(owner, name, passphrase):
    with pytest.raises(ValidationFailed) as error:
        accounts.authenticate(name, passphrase)
    assert error.value.errors == {"passphrase": ["That name and passphrase do not match."]}

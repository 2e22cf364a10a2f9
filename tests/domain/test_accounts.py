import pytest

from tests.conftest import PASSPHRASE
from webapp.errors import Conflict, Unauthorized, ValidationFailed
from webapp.extensions import db
from webapp.models import Member
from webapp.services import accounts, devices


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


def test_a_device_registered_as_its_sign_in_ended_never_syncs(owner):
    # The phone's page registered (past the sign-in check) just as the phone was removed.
    login = accounts.login_for_key(accounts.start_login(owner, "Phone"))
    accounts.end_login(login)
    _, token = devices.register_device(owner, "Phone", login=login)
    db.session.commit()
    with pytest.raises(Unauthorized):
        devices.device_for_token(token)

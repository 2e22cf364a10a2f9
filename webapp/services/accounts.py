"""The household, its owner, and signing in."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from webapp.errors import Conflict, ValidationFailed
from webapp.extensions import db
from webapp.models import Household, Member

_hasher = PasswordHasher()
# Verified against when the name is unknown, so both failures take as long.
_DUMMY_HASH = _hasher.hash("not a real passphrase")


def household_exists():
    """Tell whether the first-run set-up has been done."""
    return db.session.scalar(select(func.count(Household.id))) > 0


def create_household(name, passphrase, passphrase_again):
    """Create the household and its owner on first run; return the owner.

    Raises:
        Conflict: when a household exists already.
        ValidationFailed: when the two passphrases differ.
    """
    if household_exists():
        raise Conflict("Ask Twice is already set up on this computer. Please sign in.")
    if passphrase != passphrase_again:
        raise ValidationFailed({"passphrase_again": ["The two passphrases are not the same."]})
    household = Household(name=f"{name}'s family")
    owner = Member(household=household, name=name, role="owner",
                   passphrase_hash=_hasher.hash(passphrase))
    db.session.add_all([household, owner])
    db.session.flush()
    return owner


def authenticate(name, passphrase):
    """Return the member with this name and passphrase.

    Raises:
        ValidationFailed: the same message whichever of the two was wrong.
    """
    member = db.session.scalar(select(Member).where(func.lower(Member.name) == name.lower()))
    try:
        _hasher.verify(member.passphrase_hash if member else _DUMMY_HASH, passphrase)
    except (VerificationError, InvalidHashError):
        member = None
    if member is None:
        raise ValidationFailed({"passphrase": ["That name and passphrase do not match."]})
    if _hasher.check_needs_rehash(member.passphrase_hash):
        member.passphrase_hash = _hasher.hash(passphrase)
        db.session.flush()
    return member

"""The household, its owner, signing in, and the sign-ins kept on the server."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from webapp.errors import Conflict, NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import Device, Household, Login, Member, Setup
from webapp.models._types import utcnow
from webapp.services.records import digest

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
        raise Conflict(ALREADY_SET_UP)
    passphrase_hash = _new_hash(passphrase, passphrase_again)  # slow: before any write
    household = Household(name=f"{name}'s family")
    owner = Member(household=household, name=name, role="owner", passphrase_hash=passphrase_hash)
    db.session.add_all([household, owner])
    db.session.flush()
    # The database decides which of two set-ups at the same moment is the one:
    # the set-up row's key is always 1, so the second insert fails.
    try:
        db.session.execute(insert(Setup).values(id=1, household_id=household.id))
    except IntegrityError:
        raise Conflict(ALREADY_SET_UP) from None  # the caller rolls back
    return owner


ALREADY_SET_UP = "Ask Twice is already set up on this computer. Please sign in."


def _new_hash(passphrase, passphrase_again):
    if passphrase != passphrase_again:
        raise ValidationFailed({"passphrase_again": ["The two passphrases are not the same."]})
    return _hasher.hash(passphrase)


def owner_without_passphrase(name=None):
    """Return an owner restored from an export (which keeps no passphrases), else None;
    with `name`, the one of that name."""
    query = select(Member).where(Member.role == "owner", Member.passphrase_hash == "",
                                 Member.removed_at.is_(None))
    if name is not None:
        query = query.where(func.lower(Member.name) == name.lower())
    return db.session.scalar(query.order_by(Member.id).limit(1))


def set_owner_passphrase(owner, passphrase, passphrase_again):
    """Give an owner restored from an export a new passphrase, once; return the owner.

    Raises:
        ValidationFailed: when the two passphrases differ.
        Conflict: someone else set it meanwhile.
    """
    passphrase_hash = _new_hash(passphrase, passphrase_again)
    done = db.session.execute(update(Member).where(
        Member.id == owner.id, Member.passphrase_hash == "").values(
        passphrase_hash=passphrase_hash)).rowcount
    if not done:
        raise Conflict(ALREADY_SET_UP)
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



def start_login(member, device_name=None):
    """Record a new sign-in of `member`; return the key its cookie carries (kept only hashed).

    `device_name` marks a phone's sign-in by pairing: its device takes that name.
    """
    key = secrets.token_urlsafe(32)
    db.session.add(Login(key_hash=digest(key), member_id=member.id, device_name=device_name))
    db.session.flush()
    return key


def login_for_key(key):
    """Return the sign-in `key` names while it lasts, else None."""
    if not isinstance(key, str) or not key:
        return None
    return db.session.scalar(
        select(Login).where(Login.key_hash == digest(key), Login.ended_at.is_(None)))


def removed_login(key):
    """Tell whether `key` names a sign-in the family removed at home ("Remove" on a
    phone, or its person taken off a case)."""
    if not isinstance(key, str) or not key:
        return False
    login = db.session.scalar(select(Login).where(Login.key_hash == digest(key)))
    return login is not None and (login.removed_at is not None
                                  or login.member.removed_at is not None)


def end_login(login):
    """End a sign-in and stop the devices it registered from syncing."""
    now = utcnow()
    login.ended_at = login.ended_at or now
    db.session.execute(update(Device).where(Device.login_id == login.id,
                                            Device.revoked_at.is_(None)).values(revoked_at=now))
    db.session.flush()


def member_for_phone(household_id, member_id=None, new_name=""):
    """Return the family member a phone is for: one already here, or a new parent by name.

    A new parent has no passphrase: they use Ask Twice on their paired phone.

    Raises:
        ValidationFailed: no one chosen, an unknown member, or a name already taken.
    """
    if new_name:
        _name_is_free(household_id, new_name, "new_name")
        member = Member(household_id=household_id, name=new_name, role="parent",
                        passphrase_hash="")
        db.session.add(member)
        db.session.flush()
        return member
    member = db.session.get(Member, member_id) if member_id else None
    if member not in household_members(household_id):
        raise ValidationFailed({"member_id": ["Choose whose phone it is."]})
    return member


def household_members(household_id):
    """Return the household's parents by name (companions are invited to a case instead)."""
    return db.session.scalars(select(Member).where(
        Member.household_id == household_id, Member.case_id.is_(None),
        Member.removed_at.is_(None)).order_by(Member.name)).all()


def invite_companion(case, name):
    """Add a companion limited to `case` (no passphrase: they join by invitation).

    Raises:
        ValidationFailed: when someone in the household has that name (a companion
            removed from this case is invited again instead, see `invite_again`).
    """
    removed = db.session.scalar(select(Member).where(
        Member.case_id == case.id, Member.removed_at.is_not(None),
        func.lower(Member.name) == name.lower()))
    if removed is not None:  # the same person: their notes, and those their phone kept, are theirs
        raise ValidationFailed({"name": [f"{removed.name} was removed from this case: to invite "
                                         f"them again, use “Invite {removed.name} again”."]})
    _name_is_free(case.household_id, name, "new_name")
    member = Member(household_id=case.household_id, name=name, role="companion",
                    passphrase_hash="", case_id=case.id)
    db.session.add(member)
    db.session.flush()
    return member


def companions_of(case):
    """Return the people invited to `case`, removed ones included (their notes stay theirs)."""
    return db.session.scalars(select(Member).where(Member.case_id == case.id)
                              .order_by(Member.removed_at.is_not(None), Member.name)).all()


def get_companion(case, member_id):
    """Return a companion of `case`. Raises NotFound otherwise."""
    member = db.session.get(Member, member_id)
    if member is None or member.case_id != case.id:
        raise NotFound()
    return member


def still_helping(member):
    """Return the companion if they were not removed from the case.

    Raises:
        ValidationFailed: they were removed; what they wrote stays, but they cannot pair again.
    """
    if member.removed_at is not None:
        raise ValidationFailed({"_form": [f"{member.name} was removed from this case."]})
    return member


def invite_again(member):
    """Let a removed companion help with the case again: the same person, with what they
    wrote, so their phone sends what it kept under their own name once it is paired."""
    member.removed_at = None
    db.session.flush()
    return member


def remove_companion(member):
    """Remove a companion: every sign-in and device of theirs stops; their notes stay."""
    now = utcnow()
    member.removed_at = member.removed_at or now
    db.session.execute(update(Login).where(Login.member_id == member.id,
                                           Login.ended_at.is_(None)).values(ended_at=now))
    db.session.execute(update(Device).where(Device.member_id == member.id,
                                            Device.revoked_at.is_(None)).values(revoked_at=now))
    db.session.flush()


def _name_is_free(household_id, name, field):
    taken = db.session.scalar(select(Member).where(
        Member.household_id == household_id, func.lower(Member.name) == name.lower()))
    if taken:
        raise ValidationFailed({field: ["Someone here has that name already."]})

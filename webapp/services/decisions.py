"""What the family decided, the history of decisions, and the letters drafted from one."""

from flask import render_template
from sqlalchemy import select

from webapp.errors import NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import Decision, Letter
from webapp.models._types import utcnow
from webapp.services import library
from webapp.services.records import owned


def options():
    """Return what a family can decide (key, label, note), in order."""
    return library.after_visit()["option"]


def letter_kinds(decision=None):
    """Return the letters drafted from `decision` (key, label), in order: all of them
    when it is None."""
    return [kind for kind in library.after_visit()["letter"]
            if decision is None or kind.get("only_for", decision.option) == decision.option]


def history(case):
    """Return the case's decisions, newest first."""
    return db.session.scalars(select(Decision).where(Decision.case_id == case.id)
                              .order_by(Decision.id.desc())).all()


def current(case):
    """Return the decision in force (the newest, unless reopened), or None."""
    latest = next(iter(history(case)), None)
    return latest if latest is not None and latest.reopened_at is None else None


def get_decision(household_id, decision_id):
    """Return the household's decision. Raises NotFound otherwise."""
    return owned(Decision, household_id, decision_id)


def decide(case, **fields):
    """Record the family's decision for the case.

    Raises:
        ValidationFailed: a decision is in force already (reopen it first).
    """
    if current(case) is not None:
        raise ValidationFailed({"_form": [
            "There is a decision already. Reopen it first: it stays in the history."]})
    decision = Decision(household_id=case.household_id, case_id=case.id, **fields)
    db.session.add(decision)
    db.session.flush()
    return decision


def reopen(decision, reason):
    """Reopen a decision to think again; it stays in the history with the reason.

    Raises:
        ValidationFailed: it was reopened already.
    """
    if decision.reopened_at is not None:
        raise ValidationFailed({"_form": ["This decision was reopened already."]})
    decision.reopened_at = utcnow()
    decision.reopen_reason = reason
    db.session.flush()
    return decision


def kind_label(decision, kind):
    """Return the label of a letter kind. Raises NotFound for one not drafted from `decision`."""
    return _kind(decision, kind)["label"]


def _kind(decision, kind):
    for letter in letter_kinds(decision):
        if letter["key"] == kind:
            return letter
    raise NotFound()


def waits_for_roles(decision, kind):
    """Return whether the letter must wait until the family says who is who: it names both
    doctors, and a draft with one name and a stand-in for the other reads wrong."""
    case = decision.case
    return (_kind(decision, kind).get("names_doctors", False)
            and not (case.current_clinician_id and case.second_clinician_id))


def letter_text(decision, kind, context):
    """Return the letter as the family last saved it, else our draft for it, or None while
    the draft waits for who is who (see `waits_for_roles`)."""
    waiting = waits_for_roles(decision, kind)
    saved = _saved(decision, kind)
    if saved is not None:
        return saved.text
    return None if waiting else draft(kind, context)


def draft(kind, context):
    """Draft a letter of `kind` from the case and decision (a plain-text template)."""
    return render_template(f"letters/drafts/{kind}.txt", **context).strip() + "\n"


def _saved(decision, kind):
    return db.session.scalar(select(Letter).where(Letter.decision_id == decision.id,
                                                  Letter.kind == kind))


def save_letter(decision, kind, text):
    """Keep the family's own version of a letter."""
    kind_label(decision, kind)
    letter = _saved(decision, kind) or Letter(decision_id=decision.id, kind=kind, edits=0)
    letter.text = text
    letter.edits += 1
    db.session.add(letter)
    db.session.flush()
    return letter


def redraft(decision, kind):
    """Throw away the family's version and go back to our draft."""
    saved = _saved(decision, kind)
    if saved is not None:
        db.session.delete(saved)
        db.session.flush()

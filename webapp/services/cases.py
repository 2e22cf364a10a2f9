"""Children, their cases and the clinicians a household sees."""

from datetime import date, timedelta

from sqlalchemy import select

from webapp.errors import NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import Case, CaseView, Child, ChildListItem, Clinician, Member, Visit
from webapp.services.records import assign, owned, owned_by

LIST_KINDS = ("medicine", "allergy")
# Phones keep a visit ready for use with no signal from a fortnight before it to
# a week after (its debrief is often written in the days after).
KEPT_AHEAD = timedelta(days=14)
KEPT_AFTER = timedelta(days=7)


def add_child(household_id, medicines="", allergies="", **fields):
    """Add a child to the household; each line of `medicines` and `allergies` becomes an item."""
    child = Child(household_id=household_id, **fields)
    db.session.add(child)
    db.session.flush()
    for kind, lines in (("medicine", medicines), ("allergy", allergies)):
        for line in filter(None, (line.strip() for line in lines.splitlines())):
            add_list_item(child, kind, name=line[:120])
    return child


def update_child(child, **fields):
    """Change a child's name, date of birth or conditions."""
    return assign(child, fields)


def add_list_item(child, kind, name, detail="", since=None):
    """Add a medicine or an allergy to the child's list."""
    item = ChildListItem(household_id=child.household_id, child_id=child.id, kind=kind,
                         name=name, detail=detail, since=since)
    db.session.add(item)
    db.session.flush()
    db.session.expire(child, ["medicines", "allergies"])
    return item


def get_list_item(child, item_id):
    """Return an item of the child's lists. Raises NotFound otherwise."""
    return owned_by(ChildListItem, "child_id", child.id, item_id)


def update_list_item(item, **fields):
    """Change a medicine's or an allergy's name, detail or start date."""
    return assign(item, fields)


def remove_list_item(child, item):
    """Take a medicine or an allergy off the child's list (it is no longer current)."""
    db.session.delete(item)
    db.session.flush()
    db.session.expire(child, ["medicines", "allergies"])


def get_child(household_id, child_id):
    """Return the household's child. Raises NotFound otherwise."""
    return owned(Child, household_id, child_id)


def list_children(household_id):
    """Return the household's children by name."""
    return db.session.scalars(
        select(Child).where(Child.household_id == household_id).order_by(Child.name)
    ).all()


def add_case(child, **fields):
    """Open a case (the health question) for a child."""
    case = Case(household_id=child.household_id, child=child,
                **_wait_counted(None, fields, date.today()))
    db.session.add(case)
    db.session.flush()
    return case


def update_case(case, **fields):
    """Change what the family wrote about the health question."""
    return assign(case, _wait_counted(case, fields, date.today()))


def _wait_counted(case, fields, today):
    """Date how long it is safe to wait from `today` when it is new or changed.

    A unit without a number says nothing, so both are kept only together; an
    unchanged answer keeps the day it was first written, so saving the case
    again does not move the safe date.
    """
    if "safe_wait_for" not in fields:
        return fields
    amount = fields["safe_wait_for"]
    unit = fields.get("safe_wait_unit", "days") if amount else ""
    fields = {**fields, "safe_wait_unit": unit}
    if case is None or (case.safe_wait_for, case.safe_wait_unit) != (amount, unit):
        fields["safe_wait_from"] = today if amount else None
    return fields


def set_doctors(case, current_clinician_id=None, second_clinician_id=None):
    """Say who is the current doctor and who gave the second opinion (None: not yet known).

    Raises:
        ValidationFailed: a clinician not of the household, or one doctor in both roles.
    """
    for name, clinician_id in (("current_clinician_id", current_clinician_id),
                               ("second_clinician_id", second_clinician_id)):
        try:
            if clinician_id is not None:
                get_clinician(case.household_id, clinician_id)
        except NotFound:
            raise ValidationFailed({name: ["Choose one of your doctors."]}) from None
    if current_clinician_id is not None and current_clinician_id == second_clinician_id:
        raise ValidationFailed({"second_clinician_id": [
            "Choose a different doctor for each: the same one cannot be both."]})
    case.current_clinician_id = current_clinician_id
    case.second_clinician_id = second_clinician_id
    db.session.flush()
    db.session.expire(case, ["current_clinician", "second_clinician"])
    return case


def save_view(case, member, worries="", would_help=""):
    """Keep `member`'s own view of the case (one per person); both blank removes it."""
    view = db.session.scalar(select(CaseView).where(CaseView.case_id == case.id,
                                                    CaseView.member_id == member.id))
    if not (worries or would_help):
        if view is not None:
            db.session.delete(view)
        db.session.flush()
        return None
    if view is None:
        view = CaseView(case_id=case.id, member_id=member.id)
        db.session.add(view)
    view.worries, view.would_help = worries, would_help
    db.session.flush()
    return view


def views_of(case):
    """Return each person's view of the case, by name."""
    return db.session.scalars(select(CaseView).join(Member).where(CaseView.case_id == case.id)
                              .order_by(Member.name)).all()


def get_case(household_id, case_id):
    """Return the household's case. Raises NotFound otherwise."""
    return owned(Case, household_id, case_id)


def add_clinician(household_id, **fields):
    """Add a clinician the household sees or will see."""
    clinician = Clinician(household_id=household_id, **fields)
    db.session.add(clinician)
    db.session.flush()
    return clinician


def update_clinician(clinician, **fields):
    """Change a clinician's name, specialty or centre."""
    before = (clinician.name, clinician.centre)
    assign(clinician, fields)
    if (clinician.name, clinician.centre) != before:
        # Both are in each visit's calendar file (its title and place): a new version of it.
        for visit in db.session.scalars(select(Visit).where(Visit.clinician_id == clinician.id)):
            visit.calendar_sequence += 1
        db.session.flush()
    return clinician


def get_clinician(household_id, clinician_id):
    """Return the household's clinician. Raises NotFound otherwise."""
    return owned(Clinician, household_id, clinician_id)


def list_clinicians(household_id):
    """Return the household's clinicians by name."""
    return db.session.scalars(
        select(Clinician).where(Clinician.household_id == household_id).order_by(Clinician.name)
    ).all()


def upcoming_visits(household_id, today, case_id=None, until=None):
    """Return the household's visits from `today` on (to `until`), soonest first
    (`case_id`: of one case)."""
    query = select(Visit).where(Visit.household_id == household_id, Visit.day >= today)
    if until is not None:
        query = query.where(Visit.day <= until)
    if case_id is not None:
        query = query.where(Visit.case_id == case_id)
    return db.session.scalars(
        query
        # A visit with no time comes last on its day, on SQLite and PostgreSQL alike.
        .order_by(Visit.day, Visit.start_time.is_(None), Visit.start_time, Visit.id)
    ).all()


def kept_on_phones(household_id, today, case_id=None):
    """Return the visits phones keep ready for use with no signal, soonest first."""
    return upcoming_visits(household_id, today - KEPT_AFTER, case_id, until=today + KEPT_AHEAD)

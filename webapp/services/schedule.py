"""Getting ready for a visit: the before-the-visit checklist and the calendar file."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import VisitCheck
from webapp.services import accounts, case_records, library

# How far ahead a visit may be before an unanswered "is it safe to wait?" is named.
FAR_AHEAD = timedelta(days=14)


def checklist(visit):
    """Return each checklist item with its tick (or None) and a fact to show beside it."""
    ticks = {check.key: check for check in db.session.scalars(
        select(VisitCheck).where(VisitCheck.visit_id == visit.id))}
    facts = {"questions": _questions_fact(visit), "companions": _companions_fact(visit.case),
             "records": _records_fact(visit.case)}
    return [{**item, "tick": ticks.get(item["key"]), "fact": facts.get(item.get("status"))}
            for item in library.checklist()]


def _questions_fact(visit):
    count = len(visit.questions)
    if not count:
        return "No questions yet"
    return f"{count} question{'' if count == 1 else 's'} on your list"


def _records_fact(case):
    items = case_records.items(case)
    if not items:
        return "No records list yet"
    confirmed = sum(1 for item in items if item.state == "confirmed")
    return f"{confirmed} of {len(items)} records confirmed received"


def _companions_fact(case):
    names = [person.name for person in accounts.companions_of(case) if person.removed_at is None]
    return f"Invited: {', '.join(names)}" if names else "No one invited yet"


def set_check(visit, member, key, done):
    """Tick or untick one item; ticking twice keeps one tick (the first)."""
    found = db.session.scalar(select(VisitCheck).where(VisitCheck.visit_id == visit.id,
                                                       VisitCheck.key == key))
    if done and found is None:
        try:
            with db.session.begin_nested():  # another tab may have ticked it a moment ago
                db.session.add(VisitCheck(visit_id=visit.id, key=key, member_id=member.id))
        except IntegrityError:
            pass
    elif not done and found is not None:
        db.session.delete(found)
    db.session.flush()


def wait_warning(visit, today):
    """Return the key of a "safe to wait?" reminder for this visit, or None.

    `no`: the team said treatment should not wait; `late`: the visit is after
    the day the team said it is safe to wait until; `ask`: nobody asked yet (or
    the answer was unclear) and the visit is more than two weeks away.
    """
    answer = visit.case.safe_to_wait
    if answer == "no":
        return "no"
    if is_later_than_safe(visit, today):
        return "late"
    if answer in ("not-asked", "unsure") and visit.day - today > FAR_AHEAD:
        return "ask"
    return None


def is_later_than_safe(visit, today):
    """Whether a visit still to come is booked after the team's safe date."""
    safe_until = visit.case.safe_until
    return safe_until is not None and visit.day >= today and visit.day > safe_until


def late_visits(visits, today):
    """Return the ids of those visits booked later than their case's safe date."""
    return {visit.id for visit in visits if is_later_than_safe(visit, today)}


def is_past(visit, today):
    return visit.day < today


def calendar_file(visit, stamp):
    """Return the visit as an iCalendar file (RFC 5545), CRLF line ends, as text.

    It holds when and where, and whom: nothing of the child or the health
    question, since calendars are often shared or kept online. `stamp` is the
    time the file is made (DTSTAMP), aware. The UID stays the same for the visit
    and SEQUENCE counts its changes, so importing a newer file moves the event
    in the calendar instead of adding a second one.
    """
    clinician = visit.clinician
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Ask Twice//Before the visit//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
             f"UID:visit-{visit.id}-{visit.created_at:%Y%m%dT%H%M%S}@ask-twice.invalid",
             f"DTSTAMP:{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}",
             f"SEQUENCE:{visit.calendar_sequence}",
             *_when(visit),
             f"SUMMARY:{escape(f'Second opinion: {clinician.name}')}"]
    if where := _where(visit.place, clinician.centre):
        lines.append(f"LOCATION:{escape(where)}")
    lines += [f"DESCRIPTION:{escape(DESCRIPTION)}",
              "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P1D",
              f"DESCRIPTION:{escape(f'Tomorrow: second opinion with {clinician.name}')}",
              "END:VALARM", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)


DESCRIPTION = ("Bring your question list (Ask Twice: For this appointment), copies of the "
               "records, and someone to take notes.")


def _when(visit):
    """Start and end: a one-hour slot at a set instant, or the whole day without a time."""
    if visit.start_time is None:
        end = visit.day + timedelta(days=1)
        return [f"DTSTART;VALUE=DATE:{visit.day:%Y%m%d}", f"DTEND;VALUE=DATE:{end:%Y%m%d}"]
    # The family typed the clock time where the home computer is; written in UTC, which
    # every calendar reads alike (a floating time is read as UTC by some, and a TZID
    # needs a VTIMEZONE of the zone's rules, which the computer does not name).
    start = datetime.combine(visit.day, visit.start_time).astimezone(UTC)
    return [f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}"]


def _where(place, centre):
    """The place typed for the visit and the clinician's centre, the centre once."""
    if centre and centre.casefold() in place.casefold():
        return place
    return ", ".join(part for part in (place, centre) if part)


def escape(text):
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma, line breaks."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line, limit=75):
    """Fold a content line into pieces of at most `limit` octets (RFC 5545 3.1), never
    splitting a UTF-8 character: each piece after the first starts with a space."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        budget = limit if not pieces else limit - 1  # the leading space counts
        if size + width > budget:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)

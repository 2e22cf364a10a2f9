"""The calendar file of a visit (RFC 5545) and the checklist's rules."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from time import tzset
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import ics
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.days import in_days
from webapp.extensions import db
from webapp.services import cases, schedule, visits

# A frozen clock, explicit: the file and the reminder take `now` and `today` as
# arguments, so these fixed dates are the point, not the calendar's.
STAMP = datetime(2026, 11, 20, 8, 0, tzinfo=timezone(timedelta(hours=1)))


def a_visit(start=time(9, 30), place="Room 3; level 2", centre="St Mary's, Paddington",
            name="Dr Ana Núñez, MD"):
    clinician = SimpleNamespace(name=name, centre=centre)
    return SimpleNamespace(id=7, day=date(2026, 12, 1), start_time=start, place=place,
                           clinician=clinician, created_at=datetime(2026, 11, 1, 5, 0, tzinfo=UTC),
                           calendar_sequence=0)


def unfolded(body):
    return body.replace("\r\n ", "")


def test_a_timed_visit_is_a_one_hour_event_with_crlf_lines(home_zone):
    home_zone("UTC")
    body = schedule.calendar_file(a_visit(), STAMP)
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends CRLF, no bare LF
    lines = unfolded(body).split("\r\n")
    assert "DTSTART:20261201T093000Z" in lines and "DTEND:20261201T103000Z" in lines
    assert "DTSTAMP:20261120T070000Z" in lines  # the stamp, in UTC
    assert "UID:visit-7-20261101T050000@ask-twice.invalid" in lines
    assert "SEQUENCE:0" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
    assert "TRIGGER:-P1D" in lines


def test_text_values_are_escaped():
    lines = unfolded(schedule.calendar_file(a_visit(), STAMP)).split("\r\n")
    assert "LOCATION:Room 3\\; level 2\\, St Mary's\\, Paddington" in lines
    assert "SUMMARY:Second opinion: Dr Ana Núñez\\, MD" in lines
    assert schedule.escape("a\\b\nc\r\nd") == "a\\\\b\\nc\\nd"


def test_a_visit_without_a_time_takes_the_whole_day():
    lines = unfolded(schedule.calendar_file(a_visit(start=None, place="", centre=""), STAMP))
    assert "DTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202" in lines
    assert "LOCATION" not in lines


def test_nothing_of_the_childs_health_goes_in():
    body = schedule.calendar_file(a_visit(), STAMP)
    assert "diagnos" not in body.lower()


@pytest.mark.parametrize("text", ["x" * 200, "é" * 100, "€" * 60 + "a" * 10, "a" + "😀" * 40])
def test_long_lines_fold_at_75_octets_without_splitting_a_character(text):
    folded = schedule.fold("DESCRIPTION:" + text)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join([pieces[0], *(piece[1:] for piece in pieces[1:])]) == "DESCRIPTION:" + text


@pytest.mark.parametrize("answer, days, expected", [
    ("yes", 60, None), ("no", 3, "no"), ("not-asked", 30, "ask"), ("unsure", 15, "ask"),
    ("not-asked", 14, None), ("unsure", 2, None),
])
def test_the_safe_to_wait_reminder(answer, days, expected):
    today = date(2026, 12, 1)
    visit = SimpleNamespace(case=SimpleNamespace(safe_to_wait=answer, safe_until=None),
                            day=today + timedelta(days))
    assert schedule.wait_warning(visit, today) == expected


@pytest.mark.parametrize("visit_in, expected", [
    (20, None), (21, None), (22, "late"), (90, "late"), (-30, None),  # before, on, after, past
])
def test_a_visit_after_the_safe_date_is_named(visit_in, expected):
    today = date(2026, 12, 1)
    case = SimpleNamespace(safe_to_wait="yes", safe_until=today + timedelta(days=21))
    visit = SimpleNamespace(id=1, case=case, day=today + timedelta(visit_in))
    assert schedule.wait_warning(visit, today) == expected
    assert schedule.late_visits([visit], today) == ({1} if expected else set())


def event_line(visit, name):
    lines = unfolded(schedule.calendar_file(visit, STAMP)).split("\r\n")
    return next(line for line in lines if line.startswith(f"{name}:"))


def reschedule(visit, **change):
    now = {"clinician_id": visit.clinician_id, "day": visit.day, "start_time": visit.start_time,
           "place": visit.place}
    visits.update_visit(visit, **{**now, **change})
    db.session.commit()


def test_each_reschedule_is_a_new_version_of_the_same_event(visit, home_zone):
    home_zone("Europe/Paris")
    uid = event_line(visit, "UID")
    seen = [event_line(visit, "SEQUENCE")]
    reschedule(visit, day=in_days(14))
    seen.append(event_line(visit, "SEQUENCE"))
    reschedule(visit, start_time=time(14, 0), place="Room 9")
    seen.append(event_line(visit, "SEQUENCE"))
    assert seen == ["SEQUENCE:0", "SEQUENCE:1", "SEQUENCE:2"]
    assert event_line(visit, "UID") == uid
    assert event_line(visit, "DTSTART") == (
        f"DTSTART:{datetime.combine(in_days(14), time(14, 0)).astimezone(UTC):%Y%m%dT%H%M%SZ}")
    assert event_line(visit, "DTSTAMP") == "DTSTAMP:20261120T070000Z"


def test_saving_the_visit_unchanged_or_editing_around_it_keeps_the_version(visit, owner):
    reschedule(visit)  # the edit form sent back as it was
    visits.add_own_question(visit, "Who do we call with news?", "practical")
    schedule.set_check(visit, owner, "questions", True)
    visit.case.diagnosis = "Written more fully"
    db.session.commit()
    assert event_line(visit, "SEQUENCE") == "SEQUENCE:0"


def test_seeing_someone_else_is_a_new_version_too(visit):
    other = cases.add_clinician(visit.household_id, name="Dr Adeyemi", centre="Royal Marsden")
    reschedule(visit, clinician_id=other.id)  # the title and the centre in the file change
    assert event_line(visit, "SEQUENCE") == "SEQUENCE:1"
    assert "Royal Marsden" in event_line(visit, "LOCATION")


edits = st.fixed_dictionaries({}, optional={
    "day": st.dates(in_days(-365), in_days(730)),
    "start_time": st.none() | st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    "place": st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=200),
})


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(edits, max_size=6))
def test_the_version_counts_the_edits_that_changed_the_event(visit, changes):
    for change in changes:
        before = schedule.calendar_file(visit, STAMP)
        version = visit.calendar_sequence
        reschedule(visit, **change)
        after = schedule.calendar_file(visit, STAMP)
        changed = before.replace(f"SEQUENCE:{version}", "") != after.replace(
            f"SEQUENCE:{visit.calendar_sequence}", "")
        assert visit.calendar_sequence == version + changed


@pytest.fixture
def home_zone(monkeypatch):
    """Put the home computer in a time zone (TZ), as a family abroad would have it."""
    def move(name):
        monkeypatch.setenv("TZ", name)
        tzset()
        return ZoneInfo(name)
    yield move
    monkeypatch.undo()
    tzset()


def both_parsers(body):
    """Return the start of the one event as read by two parsers this project did not write."""
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    (other,) = ics.Calendar(body).events
    return event.decoded("DTSTART"), other


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London", "Asia/Kolkata"])
@pytest.mark.parametrize("month", [1, 7])  # winter and summer time
def test_a_timed_visit_lands_at_the_home_computers_local_time(home_zone, zone, month):
    where = home_zone(zone)
    day = date(date.today().year + 1, month, 15)
    visit = a_visit(start=time(10, 30))
    visit.day = day
    start, other = both_parsers(schedule.calendar_file(visit, STAMP))
    instant = datetime.combine(day, time(10, 30), tzinfo=where)
    assert start.utcoffset() is not None and start == instant
    assert other.begin.datetime == instant and other.end.datetime == instant + timedelta(hours=1)


def test_an_all_day_visit_stays_a_date_for_both_parsers(home_zone):
    home_zone("America/Los_Angeles")
    start, other = both_parsers(schedule.calendar_file(a_visit(start=None), STAMP))
    assert start == date(2026, 12, 1) and not isinstance(start, datetime)
    assert other.all_day and other.begin.date() == date(2026, 12, 1)


def test_the_hospital_is_written_once_when_the_place_names_it():
    visit = a_visit(place="St Mary's, Paddington: Room 3", centre="St Mary's, Paddington")
    assert event_line(visit, "LOCATION") == "LOCATION:St Mary's\\, Paddington: Room 3"
    visit = a_visit(place="Room 3", centre="St Mary's")
    assert event_line(visit, "LOCATION") == "LOCATION:Room 3\\, St Mary's"


def test_renaming_the_clinician_or_their_centre_is_a_new_version(visit):
    cases.update_clinician(visit.clinician, specialty="Paediatric oncology")  # not in the file
    db.session.commit()
    assert event_line(visit, "SEQUENCE") == "SEQUENCE:0"
    cases.update_clinician(visit.clinician, name="Dr Ana Núñez-Ruiz")
    db.session.commit()
    assert event_line(visit, "SEQUENCE") == "SEQUENCE:1"
    cases.update_clinician(visit.clinician, centre="Royal Marsden")
    db.session.commit()
    assert event_line(visit, "SEQUENCE") == "SEQUENCE:2"

"""The calendar file of a visit (RFC 5545) and the checklist's rules."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from types import SimpleNamespace

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


def test_a_timed_visit_is_a_one_hour_event_with_crlf_lines():
    body = schedule.calendar_file(a_visit(), STAMP)
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends CRLF, no bare LF
    lines = unfolded(body).split("\r\n")
    assert "DTSTART:20261201T093000" in lines and "DTEND:20261201T103000" in lines
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
    visit = SimpleNamespace(case=SimpleNamespace(safe_to_wait=answer), day=today + timedelta(days))
    assert schedule.wait_warning(visit, today) == expected


def event_line(visit, name):
    lines = unfolded(schedule.calendar_file(visit, STAMP)).split("\r\n")
    return next(line for line in lines if line.startswith(f"{name}:"))


def reschedule(visit, **change):
    now = {"clinician_id": visit.clinician_id, "day": visit.day, "start_time": visit.start_time,
           "place": visit.place}
    visits.update_visit(visit, **{**now, **change})
    db.session.commit()


def test_each_reschedule_is_a_new_version_of_the_same_event(visit):
    uid = event_line(visit, "UID")
    seen = [event_line(visit, "SEQUENCE")]
    reschedule(visit, day=in_days(14))
    seen.append(event_line(visit, "SEQUENCE"))
    reschedule(visit, start_time=time(14, 0), place="Room 9")
    seen.append(event_line(visit, "SEQUENCE"))
    assert seen == ["SEQUENCE:0", "SEQUENCE:1", "SEQUENCE:2"]
    assert event_line(visit, "UID") == uid
    assert event_line(visit, "DTSTART") == f"DTSTART:{in_days(14):%Y%m%d}T140000"
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

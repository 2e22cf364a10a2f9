"""The calendar file of a visit (RFC 5545) and the checklist's rules."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from types import SimpleNamespace

import pytest

from webapp.services import schedule

STAMP = datetime(2026, 11, 20, 8, 0, tzinfo=timezone(timedelta(hours=1)))


def a_visit(start=time(9, 30), place="Room 3; level 2", centre="St Mary's, Paddington",
            name="Dr Ana Núñez, MD"):
    clinician = SimpleNamespace(name=name, centre=centre)
    return SimpleNamespace(id=7, day=date(2026, 12, 1), start_time=start, place=place,
                           clinician=clinician, created_at=datetime(2026, 11, 1, 5, 0, tzinfo=UTC))


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

"""Dates for tests, counted from today, so the calendar never overtakes them
(scripts/test runs the suite again with the clock years ahead, on a leap day)."""

from datetime import date, timedelta


def in_days(days):
    """Return the date `days` from today (before it, when negative)."""
    return date.today() + timedelta(days=days)


def years_ago(years, month=4, day=2):
    """Return the given day and month of the year `years` before this one."""
    return date(date.today().year - years, month, day)


def long_date(day):
    """Write `day` as the pages do in prose: "2 April 2016"."""
    return f"{day.day} {day:%B %Y}"


def short_date(day):
    """Write `day` as the pages do in lists: "2 Apr 2016"."""
    return f"{day.day} {day:%b %Y}"

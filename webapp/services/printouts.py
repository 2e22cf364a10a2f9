"""How "For this appointment" falls on paper: its questions, sheet by sheet.

Each question gets its text and three ruled lines to write on. The sheets are
made here, not by the browser, so the page count said before printing is the
count that prints: every height below is what the print stylesheet gives
(static/css/pages.css, "For this appointment"), rounded up, and a sheet takes
the next question only while the estimate still fits A4 with room to spare.
"""

import unicodedata
from dataclasses import dataclass
from math import ceil

# A4's height inside the 15 mm margins, less room for what an estimate misses (mm).
SHEET = 297 - 2 * 15 - 8
# The site's name, the title, the date line and the two headings; the closing line.
TOP, FOOT = 45, 7
# A line of the summary, the characters that surely fit one, and each row's (or
# medicine's) own spacing.
SUMMARY_LINE, SUMMARY_CHARACTERS, SUMMARY_ROW = 5, 60, 1.5
# A line of question text, and the characters that surely fit one.
QUESTION_LINE, QUESTION_CHARACTERS = 5.2, 65
WRITE_LINES, WRITE_LINE = 3, 7  # ruled lines under each question, each this high
GAP = 3.5  # between two questions
TOP_MARK = "Top 3 "  # before each of the first three questions


@dataclass
class Printout:
    """The sheets of questions (each a list of (number, question)) and what was left out."""

    sheets: list
    all_sheets: int
    left_out: int
    write_lines: int = WRITE_LINES

    @property
    def top_only(self):
        return bool(self.left_out)


def lay_out(case, questions, top_only=False):
    """Put `questions` on sheets after the summary; with `top_only`, the first sheet alone."""
    sheets, room = [[]], SHEET - TOP - FOOT - _summary_height(case)
    for number, question in enumerate(questions, 1):
        text = TOP_MARK * (number <= 3) + question.text
        height = _lines(text, QUESTION_CHARACTERS) * QUESTION_LINE + _WRITE
        if sheets[-1] and height > room:
            sheets.append([])
            room = SHEET - FOOT
        sheets[-1].append((number, question))
        room -= height
    shown = sheets[:1] if top_only else sheets
    return Printout(shown, len(sheets), len(questions) - sum(map(len, shown)))


_WRITE = WRITE_LINES * WRITE_LINE + GAP


def _summary_height(case):
    child = case.child
    rows = [f"{child.name}, age 10", child.conditions, case.diagnosis, case.proposed_treatment]
    items = [f"{item.name}, {item.detail or ''} (since 00 Sep 0000)"  # the widest "since"
             for item in [*child.medicines, *child.allergies]]
    rows = [text for text in rows if text] + items
    lines = sum(_lines(text, SUMMARY_CHARACTERS) for text in rows)
    return lines * SUMMARY_LINE + (len(rows) + 2) * SUMMARY_ROW


def _lines(text, characters):
    """How many printed lines `text` takes at most: each of its own lines wraps at
    `characters`, a wide character (Chinese, an emoji) counting as two."""
    return sum(max(1, ceil(_width(line) / characters)) for line in text.splitlines() or [""])


def _width(line):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)

"""scripts/readability.py: the Flesch-Kincaid grade of the app's copy."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "readability.py"
spec = importlib.util.spec_from_file_location("readability", SCRIPT)
readability = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readability)


@pytest.mark.parametrize("word, count", [("cat", 1), ("table", 2), ("second", 2),
                                         ("make", 1), ("be", 1), ("treatment", 2)])
def test_syllables(word, count):
    assert readability.syllables(word) == count


def test_short_plain_sentences_grade_low_and_long_ones_high():
    plain = readability.grade(["Ask the team. It is fine to wait."])
    hard = readability.grade(["Comprehensive multidisciplinary consultation necessitates "
                              "substantial interinstitutional documentation exchange."])
    assert plain < 2 < 8 < hard


def test_templates_give_their_words_not_their_code():
    html = '{% if x %}<p class="a">Save {{ name }} now.</p>{# note #}<script>var x;</script>'
    assert list(readability.template_copy(html)) == ["Save now."]


def test_the_app_copy_meets_the_goal(capsys):
    assert readability.main(["--worst", "1"]) == 0
    out = capsys.readouterr().out
    figure = float(out.split("Flesch-Kincaid grade of all user-facing copy: ")[1].split()[0])
    assert figure <= readability.GOAL
